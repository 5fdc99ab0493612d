#include "ui/mainwindow.h"

#include "ui/pageplaceholder.h"
#include "ui/paymentspage.h"
#include "ui/statusbadge.h"

#include <QAction>
#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QStackedWidget>
#include <QStatusBar>

namespace paydesk::ui {

namespace {

constexpr MainWindow::Page kPages[] = {
    MainWindow::Page::Home,          MainWindow::Page::Payments, MainWindow::Page::Customers,
    MainWindow::Page::Subscriptions, MainWindow::Page::Disputes, MainWindow::Page::Analytics,
    MainWindow::Page::Activity,
};

QString pageExplanation(MainWindow::Page page)
{
    switch (page) {
    case MainWindow::Page::Home:
        return MainWindow::tr(
            "Today's volume, MRR, subscribers and anything that needs attention.");
    case MainWindow::Page::Payments:
        return MainWindow::tr("Every payment of the account, with search, filters and refunds.");
    case MainWindow::Page::Customers:
        return MainWindow::tr("Customers, their payments, subscriptions and payment methods.");
    case MainWindow::Page::Subscriptions:
        return MainWindow::tr("Subscriptions by status and plan, with cancellation.");
    case MainWindow::Page::Disputes:
        return MainWindow::tr("Open disputes and their evidence due dates.");
    case MainWindow::Page::Analytics:
        return MainWindow::tr("Revenue, MRR movements, churn, cohorts and payment analytics.");
    case MainWindow::Page::Activity:
        return MainWindow::tr("Staff actions, their state and the audit log.");
    }
    return {};
}

} // namespace

MainWindow::MainWindow(const Account &account, QWidget *parent)
    : QMainWindow(parent)
    , m_navigation(new QListWidget(this))
    , m_pages(new QStackedWidget(this))
{
    setWindowTitle(account.testMode ? tr("%1 (test mode) — Paydesk").arg(account.name)
                                    : tr("%1 — Paydesk").arg(account.name));
    setWindowIcon(QIcon(QStringLiteral(":/paydesk/icons/paydesk.svg")));

    buildNavigation();

    auto *central = new QWidget(this);
    auto *layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_navigation);
    layout->addWidget(m_pages, 1);
    setCentralWidget(central);

    buildStatusBar(account);
    resize(1200, 760);
    showPage(Page::Home);
}

void MainWindow::buildNavigation()
{
    m_navigation->setObjectName(QStringLiteral("navigation"));
    m_navigation->setFrameShape(QFrame::NoFrame);
    m_navigation->setFixedWidth(200);
    m_navigation->setSpacing(2);
    m_navigation->setStyleSheet(QStringLiteral(
        "QListWidget#navigation { background: palette(window); padding-top: 12px; }"
        "QListWidget#navigation::item { padding: 7px 14px; border-radius: 6px; margin: 0 8px; }"
        "QListWidget#navigation::item:selected { background: #e8e6ff; color: #3d33cc; }"));

    int shortcut = 1;
    for (Page page : kPages) {
        auto *item = new QListWidgetItem(pageTitle(page), m_navigation);
        item->setData(Qt::UserRole, QVariant::fromValue(page));
        item->setToolTip(tr("%1 (Ctrl+%2)").arg(pageTitle(page)).arg(shortcut));
        if (page == Page::Payments) {
            m_paymentsPage = new PaymentsPage(m_pages);
            m_pages->addWidget(m_paymentsPage);
        } else {
            m_pages->addWidget(
                new PagePlaceholder(pageTitle(page), pageExplanation(page), m_pages));
        }

        auto *action = new QAction(this);
        action->setShortcut(QKeySequence(QStringLiteral("Ctrl+%1").arg(shortcut)));
        connect(action, &QAction::triggered, this, [this, page] { showPage(page); });
        addAction(action);
        ++shortcut;
    }
    connect(m_navigation, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row < 0)
            return;
        m_pages->setCurrentIndex(row);
        Q_EMIT currentPageChanged(kPages[row]);
    });
}

void MainWindow::buildStatusBar(const Account &account)
{
    m_accountLabel
        = new QLabel(account.demo ? tr("%1 (demo data)").arg(account.name) : account.name, this);
    m_accountLabel->setObjectName(QStringLiteral("accountLabel"));
    m_modeBadge = new StatusBadge(
        account.testMode ? tr("TEST MODE") : tr("LIVE"),
        account.testMode ? StatusBadge::Tone::Warning : StatusBadge::Tone::Success, this);
    m_modeBadge->setObjectName(QStringLiteral("modeBadge"));
    m_syncLabel = new QLabel(tr("Never synced"), this);
    m_syncLabel->setObjectName(QStringLiteral("syncLabel"));
    m_onlineBadge = new StatusBadge(this);
    m_onlineBadge->setObjectName(QStringLiteral("onlineBadge"));
    setOnline(false);

    m_statusText = new QLabel(this);
    m_statusText->setObjectName(QStringLiteral("statusText"));
    m_statusText->setForegroundRole(QPalette::PlaceholderText);

    statusBar()->addWidget(m_modeBadge);
    statusBar()->addWidget(m_accountLabel);
    statusBar()->addWidget(m_statusText, 1);
    m_syncProgress = new QProgressBar(this);
    m_syncProgress->setObjectName(QStringLiteral("syncProgress"));
    m_syncProgress->setMaximumWidth(180);
    m_syncProgress->setTextVisible(false);
    m_syncProgress->hide();
    statusBar()->addPermanentWidget(m_syncProgress);
    statusBar()->addPermanentWidget(m_syncLabel);
    statusBar()->addPermanentWidget(m_onlineBadge);
}

void MainWindow::showPage(Page page)
{
    m_navigation->setCurrentRow(int(page));
}

MainWindow::Page MainWindow::currentPage() const
{
    return kPages[std::max(0, m_pages->currentIndex())];
}

QString MainWindow::pageTitle(Page page)
{
    switch (page) {
    case Page::Home:
        return tr("Home");
    case Page::Payments:
        return tr("Payments");
    case Page::Customers:
        return tr("Customers");
    case Page::Subscriptions:
        return tr("Subscriptions");
    case Page::Disputes:
        return tr("Disputes");
    case Page::Analytics:
        return tr("Analytics");
    case Page::Activity:
        return tr("Activity");
    }
    return {};
}

void MainWindow::setOnline(bool online)
{
    m_onlineBadge->setText(online ? tr("Online") : tr("Offline"));
    m_onlineBadge->setTone(online ? StatusBadge::Tone::Success : StatusBadge::Tone::Neutral);
}

void MainWindow::setStatusText(const QString &text)
{
    m_statusText->setText(text);
}

void MainWindow::setSyncProgress(const QString &what, qint64 done, qint64 total, qint64 etaSeconds)
{
    if (what.isEmpty()) {
        m_syncProgress->hide();
        return;
    }
    m_syncProgress->show();
    if (total > 0) {
        m_syncProgress->setRange(0, 1000);
        m_syncProgress->setValue(int(std::min<qint64>(1000, done * 1000 / total)));
    } else {
        m_syncProgress->setRange(0, 0); // Busy: the total is not known yet.
    }
    const QString eta
        = etaSeconds >= 0 ? tr(", about %n s left", nullptr, int(etaSeconds)) : QString();
    m_syncLabel->setText(tr("Syncing %1: %2%3").arg(what, QLocale().toString(done), eta));
}

void MainWindow::setLastSync(const QDateTime &when)
{
    m_syncLabel->setText(
        when.isValid()
            ? tr("Last synced %1").arg(QLocale().toString(when.toLocalTime(), QLocale::ShortFormat))
            : tr("Never synced"));
}

} // namespace paydesk::ui
