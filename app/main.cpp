#include "app/commandline.h"
#include "models/money.h"
#include "network/redaction.h"

#include <QApplication>
#include <QCoreApplication>
#include <QLocale>

#include <memory>

int main(int argc, char **argv)
{
    // Before anything can log: no message of the process may carry an API key.
    paydesk::network::installRedactingMessageHandler();

    QCoreApplication::setOrganizationName(QStringLiteral("Paydesk"));
    QCoreApplication::setApplicationName(QStringLiteral("paydesk"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PAYDESK_VERSION));

    // Headless commands must run without a display (cron, CI), so only the GUI creates a
    // QApplication.
    std::unique_ptr<QCoreApplication> app;
    if (paydesk::app::isHeadless(argc, argv))
        app = std::make_unique<QCoreApplication>(argc, argv);
    else {
        app = std::make_unique<QApplication>(argc, argv);
        QGuiApplication::setApplicationDisplayName(QStringLiteral("Paydesk"));
    }
    // A C or POSIX locale (a bare container, a cron job) reads dates, numbers and money as en_US
    // would, not as "155.00US$".
    if (QLocale().language() == QLocale::C)
        QLocale::setDefault(paydesk::models::Money::displayLocale(QLocale::c()));
    return paydesk::app::run(QCoreApplication::arguments());
}
