#include "app/demosandbox.h"

#include "sandbox/stripesandbox.h"

namespace paydesk::app {

DemoSandbox::DemoSandbox(QObject *parent)
    : QObject(parent)
{
    m_thread.setObjectName(QStringLiteral("demo-sandbox"));
}

DemoSandbox::~DemoSandbox()
{
    m_thread.quit();
    m_thread.wait();
}

void DemoSandbox::start()
{
    auto *server = new sandbox::StripeSandbox({});
    server->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, server, &QObject::deleteLater);
    m_thread.start();
    QMetaObject::invokeMethod(server, [this, server] {
        if (!server->load() || !server->listen(0)) {
            Q_EMIT failed(server->errorString());
            return;
        }
        Q_EMIT ready(server->baseUrl());
    });
}

} // namespace paydesk::app
