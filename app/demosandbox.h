#pragma once

#include <QObject>
#include <QThread>
#include <QUrl>

namespace paydesk::app {

/*
 * The sandbox behind `paydesk --demo`: generated and served on its own thread, so that neither
 * generation nor serving ever blocks the window.
 */
class DemoSandbox final : public QObject
{
    Q_OBJECT
public:
    explicit DemoSandbox(QObject *parent = nullptr);
    ~DemoSandbox() override;

    void start();

Q_SIGNALS:
    void ready(const QUrl &baseUrl);
    void failed(const QString &message);

private:
    QThread m_thread;
};

} // namespace paydesk::app
