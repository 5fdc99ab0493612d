#include "ui/mainwindow.h"

#include "models/views/globalsearch.h"
#include "ui/actioncontroller.h"
#include "ui/activitypage.h"
#include "ui/analyticspage.h"
#include "ui/balancepage.h"
#include "ui/connectpage.h"
#include "ui/detailpanel.h"
#include "ui/homepage.h"
#include "ui/listpage.h"
#include "ui/pageplaceholder.h"
#include "ui/paymentspage.h"
#include "ui/statusbadge.h"
#include "ui/theme.h"

#include <QAction>
#include <QApplication>
#include <QCompleter>
#include <QDateTime>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QProgressBar>
#include <QSignalBlocker>
#include <QStackedWidget>
#include <QStandardItemModel>
#include <QStatusBar>
#include <QSystemTrayIcon>
#include <QTimer>
#include <QToolButton>

namespace paydesk::ui {

namespace {

using Page = MainWindow::Page;

// The navigation in order; invoices and refunds sit under what they belong to.
constexpr Page kPages[] = {
    Page::Home,     Page::Payments,  Page::Refunds,  Page::Customers, Page::Subscriptions,
    Page::Invoices, Page::Prices,    Page::Coupons,  Page::Disputes,  Page::Balance,
    Page::Payouts,  Page::Analytics, Page::Activity,
};

// Ctrl+1 … Ctrl+9: the seven main pages keep their numbers; the catalogue has none (0).
int shortcutNumber(Page page)
{
    if (page == Page::Prices || page == Page::Coupons || page == Page::Balance
        || page == Page::Payouts)
        return 0;
    return page == Page::Invoices ? 8 : page == Page::Refunds ? 9 : int(page) + 1;
}

bool isSubPage(Page page)
{
    return page == Page::Invoices || page == Page::Refunds || page == Page::Prices
        || page == Page::Coupons || page == Page::Payouts;
}

int navigationRow(Page page)
{
    for (int row = 0; row < int(std::size(kPages)); ++row) {
        if (kPages[row] == page)
            return row;
    }
    return 0;
}

Page pageForTable(const QString &table)
{
    if (table == QLatin1String("customers"))
        return Page::Customers;
    if (table == QLatin1String("subscriptions"))
        return Page::Subscriptions;
    if (table == QLatin1String("disputes"))
        return Page::Disputes;
    if (table == QLatin1String("invoices"))
        return Page::Invoices;
    if (table == QLatin1String("refunds"))
        return Page::Refunds;
    if (table == QLatin1String("prices"))
        return Page::Prices;
    if (table == QLatin1String("coupons"))
        return Page::Coupons;
    if (table == QLatin1String("payouts"))
        return Page::Payouts;
    return Page::Payments;
}

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
    case MainWindow::Page::Balance:
        return MainWindow::tr("What is available, pending and on its way to the bank.");
    case MainWindow::Page::Payouts:
    case MainWindow::Page::Invoices:
    case MainWindow::Page::Refunds:
    case MainWindow::Page::Prices:
    case MainWindow::Page::Coupons:
        break;
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

    // One connection for every page, panel and model of the window. What a commit changed
    // (a refund changes the payment, the refunds and the customer's spend) reaches the pages
    // that read those tables, at most once a second while a sync commits.
    m_reader = new models::CacheReader(this);
    m_reader->setMinimumInterval(1000);
    m_actions = new ActionController(this, this);
    m_actions->setReader(m_reader);
    m_actions->setLiveMode(!account.testMode);
    buildNavigation();
    connect(m_reader, &models::CacheReader::reopened, this, &MainWindow::readDenied);
    connect(m_reader, &models::CacheReader::reopened, this, [this] {
        m_disputeWatch = models::DisputeWatch(); // Another cache: a new baseline.
        countDisputes();
    });
    // Deadlines come closer without the cache changing.
    auto *deadlines = new QTimer(this);
    deadlines->setInterval(10 * 60 * 1000);
    connect(deadlines, &QTimer::timeout, this, &MainWindow::countDisputes);
    deadlines->start();
    connect(m_reader, &models::CacheReader::changed, this, [this](const QStringList &tables) {
        if (tables.contains(QStringLiteral("sync_state")))
            readDenied();
        if (tables.contains(QStringLiteral("disputes")))
            countDisputes();
    });

    m_testMode = account.testMode;
    m_globalSearch = new QLineEdit(this);
    m_globalSearch->setObjectName(QStringLiteral("globalSearch"));
    m_globalSearch->setPlaceholderText(tr("Search customers and payments (Ctrl+K)"));
    m_globalSearch->setClearButtonEnabled(true);
    m_globalSearch->setMaximumWidth(520);
    m_searchResults = new QStandardItemModel(this);
    m_completer = new QCompleter(m_searchResults, this);
    m_completer->setCompletionMode(QCompleter::UnfilteredPopupCompletion);
    m_completer->setMaxVisibleItems(12);
    m_globalSearch->setCompleter(m_completer);
    m_searchDelay = new QTimer(this);
    m_searchDelay->setSingleShot(true);
    m_searchDelay->setInterval(120);
    connect(m_searchDelay, &QTimer::timeout, this, &MainWindow::runGlobalSearch);
    connect(m_globalSearch, &QLineEdit::textEdited, m_searchDelay, qOverload<>(&QTimer::start));
    connect(m_completer, qOverload<const QModelIndex &>(&QCompleter::activated), this,
            [this](const QModelIndex &index) {
                const QString table = index.data(Qt::UserRole).toString();
                const QString id = index.data(Qt::UserRole + 1).toString();
                QTimer::singleShot(0, this, [this, table, id] {
                    m_globalSearch->clear();
                    openObject(table, id);
                });
            });
    auto *focusSearch = new QAction(this);
    focusSearch->setShortcut(QKeySequence(QStringLiteral("Ctrl+K")));
    connect(focusSearch, &QAction::triggered, this, [this] {
        m_globalSearch->setFocus(Qt::ShortcutFocusReason);
        m_globalSearch->selectAll();
    });
    addAction(focusSearch);

    m_topBar = new QWidget(this);
    auto *top = new QHBoxLayout(m_topBar);
    top->setContentsMargins(24, 10, 24, 0);
    top->addWidget(m_globalSearch, 1);
    top->addStretch(0);
    m_profileButton = new QToolButton(m_topBar);
    m_profileButton->setObjectName(QStringLiteral("profileButton"));
    m_profileButton->setPopupMode(QToolButton::InstantPopup);
    m_profileButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_profileButton->setMenu(new QMenu(m_profileButton));
    m_profileButton->setText(tr("Profile"));
    top->addWidget(m_profileButton);
    auto *settings = new QAction(tr("Settings…"), this);
    settings->setObjectName(QStringLiteral("settingsAction"));
    settings->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Comma));
    connect(settings, &QAction::triggered, this, &MainWindow::settingsRequested);
    addAction(settings);
    setProfiles({}, {}, false);
    auto *right = new QVBoxLayout;
    right->setContentsMargins(0, 0, 0, 0);
    right->setSpacing(0);
    right->addWidget(m_topBar);
    right->addWidget(m_pages, 1);

    auto *central = new QWidget(this);
    auto *layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_navigation);
    layout->addLayout(right, 1);
    setCentralWidget(central);

    buildStatusBar(account);
    m_connectPage = new ConnectPage(m_pages);
    m_pages->addWidget(m_connectPage);
    resize(1200, 760);
    showPage(Page::Home);
}

void MainWindow::buildNavigation()
{
    m_navigation->setObjectName(QStringLiteral("navigation"));
    m_navigation->setFrameShape(QFrame::NoFrame);
    m_navigation->setFixedWidth(200);
    m_navigation->setSpacing(2);
    styleNavigation();

    for (Page page : kPages) {
        const int shortcut = shortcutNumber(page);
        auto *item = new QListWidgetItem(isSubPage(page) ? QStringLiteral("    ") + pageTitle(page)
                                                         : pageTitle(page),
                                         m_navigation);
        item->setData(Qt::UserRole, QVariant::fromValue(page));
        item->setToolTip(shortcut > 0 ? tr("%1 (Ctrl+%2)").arg(pageTitle(page)).arg(shortcut)
                                      : pageTitle(page));
        QWidget *widget = nullptr;
        TablePage *table = nullptr;
        switch (page) {
        case Page::Payments:
            table = m_paymentsPage = new PaymentsPage(m_pages);
            break;
        case Page::Customers:
            table = new ListPage(models::ListTableModel::Kind::Customers, m_pages);
            break;
        case Page::Subscriptions:
            table = new ListPage(models::ListTableModel::Kind::Subscriptions, m_pages);
            break;
        case Page::Disputes:
            table = new ListPage(models::ListTableModel::Kind::Disputes, m_pages);
            break;
        case Page::Invoices:
            table = new ListPage(models::ListTableModel::Kind::Invoices, m_pages);
            break;
        case Page::Refunds:
            table = new ListPage(models::ListTableModel::Kind::Refunds, m_pages);
            break;
        case Page::Prices:
            table = new ListPage(models::ListTableModel::Kind::Prices, m_pages);
            break;
        case Page::Coupons:
            table = new ListPage(models::ListTableModel::Kind::Coupons, m_pages);
            break;
        case Page::Payouts:
            table = new ListPage(models::ListTableModel::Kind::Payouts, m_pages);
            break;
        case Page::Balance:
            widget = m_balancePage = new BalancePage(m_pages);
            m_balancePage->setReader(m_reader);
            connect(m_balancePage, &BalancePage::openObject, this, &MainWindow::openObject);
            break;
        case Page::Home:
            widget = m_homePage = new HomePage(m_pages);
            m_homePage->setReader(m_reader);
            break;
        case Page::Analytics:
            widget = m_analyticsPage = new AnalyticsPage(m_pages);
            m_analyticsPage->setReader(m_reader);
            break;
        case Page::Activity:
            widget = m_activityPage = new ActivityPage(m_pages);
            m_activityPage->setReader(m_reader);
            m_activityPage->setController(m_actions);
            break;
        default:
            widget = new PagePlaceholder(pageTitle(page), pageExplanation(page), m_pages);
            break;
        }
        if (table) {
            widget = table;
            table->setReader(m_reader);
            connect(table, &TablePage::actionRequested, m_actions, &ActionController::request);
            connect(m_actions, &ActionController::availabilityChanged, table,
                    [this, table] { table->setActionReasons(m_actions->actionReasons()); });
            table->setActionReasons(m_actions->actionReasons());
            connect(table, &TablePage::openObject, this, &MainWindow::openObject);
            connect(table->detailPanel(), &DetailPanel::objectShown, this,
                    &MainWindow::objectShown);
            connect(table, &TablePage::showCustomerRows, this,
                    [this](const QString &rows, const QString &customer, const QString &label) {
                        const Page target = pageForTable(rows);
                        if (TablePage *page = tablePage(target))
                            page->filterByCustomer(customer, label);
                        showPage(target);
                    });
        }
        m_pageWidgets.insert(page, widget);
        m_pages->addWidget(widget);

        if (shortcut > 0) {
            auto *action = new QAction(this);
            action->setShortcut(QKeySequence(QStringLiteral("Ctrl+%1").arg(shortcut)));
            connect(action, &QAction::triggered, this, [this, page] { showPage(page); });
            addAction(action);
        }
    }
    connect(m_navigation, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row < 0)
            return;
        m_pages->setCurrentWidget(m_pageWidgets.value(kPages[row]));
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
    m_keyNotice = new QLabel(this);
    m_keyNotice->setObjectName(QStringLiteral("keyNotice"));
    m_keyNotice->setStyleSheet(QStringLiteral("color: #9a5b00;"));
    m_keyNotice->hide();
    statusBar()->addPermanentWidget(m_keyNotice);
    m_syncProgress = new QProgressBar(this);
    m_syncProgress->setObjectName(QStringLiteral("syncProgress"));
    m_syncProgress->setMaximumWidth(180);
    m_syncProgress->setTextVisible(false);
    m_syncProgress->hide();
    statusBar()->addPermanentWidget(m_syncProgress);
    statusBar()->addPermanentWidget(m_syncLabel);
    statusBar()->addPermanentWidget(m_onlineBadge);
}

void MainWindow::setProfiles(const QList<ProfileEntry> &profiles, const QString &current, bool live)
{
    QMenu *menu = m_profileButton->menu();
    menu->clear();
    m_profileButton->setText(current.isEmpty()
                                 ? tr("Profile")
                                 : tr("%1 · %2").arg(current, live ? tr("Live") : tr("Test")));
    for (const ProfileEntry &p : profiles) {
        menu->addSection(p.accountName.isEmpty() ? p.name
                                                 : tr("%1 — %2").arg(p.name, p.accountName));
        for (const bool mode : {false, true}) {
            const bool hasKey = mode ? p.hasLiveKey : p.hasTestKey;
            QAction *a = menu->addAction((mode ? tr("Live mode") : tr("Test mode"))
                                         + (hasKey ? QString() : tr(" (paste a key)")));
            a->setObjectName(
                QStringLiteral("profile:%1:%2")
                    .arg(p.name, mode ? QStringLiteral("live") : QStringLiteral("test")));
            a->setCheckable(true);
            a->setChecked(p.name == current && mode == live);
            const QString name = p.name;
            connect(a, &QAction::triggered, this,
                    [this, name, mode] { Q_EMIT profileRequested(name, mode); });
        }
    }
    menu->addSeparator();
    QAction *add = menu->addAction(tr("Add profile…"));
    add->setObjectName(QStringLiteral("addProfile"));
    connect(add, &QAction::triggered, this, &MainWindow::addProfileRequested);
    QAction *settings = menu->addAction(tr("Settings…"));
    settings->setObjectName(QStringLiteral("settingsMenuAction"));
    connect(settings, &QAction::triggered, this, &MainWindow::settingsRequested);
}

void MainWindow::styleNavigation()
{
    // The selected page in the accent colour, light or dark with the theme.
    const bool dark = theme::isDark();
    m_navigation->setStyleSheet(
        QStringLiteral(
            "QListWidget#navigation { background: palette(window); padding-top: 12px; }"
            "QListWidget#navigation::item { padding: 7px 14px; border-radius: 6px; margin: 0 8px; }"
            "QListWidget#navigation::item:selected { background: %1; color: %2; }")
            .arg(dark ? QStringLiteral("#3b3675") : QStringLiteral("#e8e6ff"),
                 dark ? QStringLiteral("#e0ddff") : QStringLiteral("#3d33cc")));
}

void MainWindow::changeEvent(QEvent *event)
{
    QMainWindow::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && m_navigation)
        styleNavigation();
}

void MainWindow::setKeyNotice(const QString &text)
{
    m_keyNotice->setText(text);
    m_keyNotice->setToolTip(text);
    m_keyNotice->setVisible(!text.isEmpty());
}

void MainWindow::showConnectScreen()
{
    m_navigation->hide();
    m_topBar->hide();
    m_pages->setCurrentWidget(m_connectPage);
    m_connectPage->keyField()->setFocus();
}

void MainWindow::setAccount(const Account &account)
{
    m_testMode = account.testMode;
    m_actions->setLiveMode(!account.testMode);
    setWindowTitle(account.testMode ? tr("%1 (test mode) — Paydesk").arg(account.name)
                                    : tr("%1 — Paydesk").arg(account.name));
    m_accountLabel->setText(account.demo ? tr("%1 (demo data)").arg(account.name) : account.name);
    m_modeBadge->setText(account.testMode ? tr("TEST MODE") : tr("LIVE"));
    m_modeBadge->setTone(account.testMode ? StatusBadge::Tone::Warning
                                          : StatusBadge::Tone::Success);
    m_navigation->show();
    m_topBar->show();
    showPage(Page::Payments);
    m_pages->setCurrentWidget(m_pageWidgets.value(Page::Payments));
}

void MainWindow::showPage(Page page)
{
    m_navigation->setCurrentRow(navigationRow(page));
}

TablePage *MainWindow::tablePage(Page page) const
{
    return qobject_cast<TablePage *>(m_pageWidgets.value(page));
}

void MainWindow::reloadObject(const QString &table, const QString &id)
{
    for (QWidget *widget : std::as_const(m_pageWidgets)) {
        auto *page = qobject_cast<TablePage *>(widget);
        if (!page || !page->detailPanel()->isVisible())
            continue;
        const models::ObjectDetail &shown = page->detailPanel()->detail();
        if (shown.found && shown.table == table && shown.id == id) {
            // Read again without announcing it again: no fetch loop.
            const QSignalBlocker quiet(page->detailPanel());
            page->detailPanel()->showObject(table, id);
        }
    }
}

ListPage *MainWindow::listPage(Page page) const
{
    return qobject_cast<ListPage *>(m_pageWidgets.value(page));
}

void MainWindow::setCache(const QString &path)
{
    m_cachePath = path;
    for (QWidget *widget : std::as_const(m_pageWidgets))
        if (auto *table = qobject_cast<TablePage *>(widget))
            table->setTestMode(m_testMode);
    m_reader->open(path); // Every page reads it anew.
}

void MainWindow::readDenied()
{
    // Tables a restricted key may not list (the sync noted them): one read for every page.
    const QHash<QString, QString> denied = m_reader->deniedTables();
    for (QWidget *widget : std::as_const(m_pageWidgets))
        if (auto *table = qobject_cast<TablePage *>(widget))
            table->setDeniedPermission(denied.value(table->model()->table()));
}

void MainWindow::countDisputes()
{
    QListWidgetItem *item = m_navigation->item(navigationRow(Page::Disputes));
    if (!item)
        return;
    // One read: the count and the notifications are of the same disputes.
    const QList<models::OpenDispute> open = models::DisputeWatch::read(m_reader->database());
    const qint64 n = open.size();
    item->setText(n > 0 ? tr("%1 (%2)").arg(pageTitle(Page::Disputes)).arg(n)
                        : pageTitle(Page::Disputes));
    item->setToolTip(n == 1      ? tr("Disputes: 1 needs a response")
                         : n > 1 ? tr("Disputes: %1 need a response").arg(n)
                                 : tr("Disputes (Ctrl+%1)").arg(shortcutNumber(Page::Disputes)));
    item->setData(Qt::AccessibleTextRole, item->toolTip());
    for (const models::DisputeAlert &alert :
         m_disputeWatch.update(open, QDateTime::currentSecsSinceEpoch()))
        notify(alert);
}

void MainWindow::notify(const models::DisputeAlert &alert)
{
    m_notifications.append(alert.title + QStringLiteral(": ") + alert.text);
    const QString id = alert.ids.size() == 1 ? alert.ids.constFirst() : QString();
    // A desktop notification where the desktop shows them; the window asks for attention too.
    if (QSystemTrayIcon::isSystemTrayAvailable() && QSystemTrayIcon::supportsMessages()) {
        if (!m_tray) {
            m_tray = new QSystemTrayIcon(windowIcon(), this);
            m_tray->setToolTip(QStringLiteral("Paydesk"));
            connect(m_tray, &QSystemTrayIcon::messageClicked, this, [this] {
                showNormal();
                raise();
                activateWindow();
                if (m_notifiedDispute.isEmpty())
                    showPage(Page::Disputes);
                else
                    openObject(QStringLiteral("disputes"), m_notifiedDispute);
            });
        }
        m_tray->show();
        m_notifiedDispute = id;
        m_tray->showMessage(alert.title, alert.text, QSystemTrayIcon::Warning, 15000);
    }
    QApplication::alert(this);
    const QString line = alert.title + QStringLiteral(": ") + alert.text.section(u'\n', 0, 0);
    setStatusText(line);
    QTimer::singleShot(30000, this, [this, line] {
        if (m_statusText && m_statusText->text() == line)
            setStatusText({});
    });
    Q_EMIT notified(alert.title, alert.text);
}

bool MainWindow::openObject(const QString &table, const QString &id)
{
    const Page page = pageForTable(table);
    TablePage *target = tablePage(page);
    if (!target || id.isEmpty())
        return false;
    showPage(page);
    target->showObject(id);
    return true;
}

QStringList MainWindow::globalSearchResults(const QString &text)
{
    m_globalSearch->setText(text);
    runGlobalSearch();
    QStringList lines;
    for (int row = 0; row < m_searchResults->rowCount(); ++row)
        lines.append(m_searchResults->item(row)->text());
    return lines;
}

void MainWindow::runGlobalSearch()
{
    m_searchResults->clear();
    const QList<models::SearchHit> hits
        = models::globalSearch(m_reader->database(), m_globalSearch->text());
    for (const models::SearchHit &hit : hits) {
        auto *item = new QStandardItem(hit.title + QStringLiteral("  —  ") + hit.detail);
        item->setData(hit.table, Qt::UserRole);
        item->setData(hit.id, Qt::UserRole + 1);
        item->setToolTip(hit.id);
        m_searchResults->appendRow(item);
    }
    if (hits.isEmpty() && !m_globalSearch->text().trimmed().isEmpty()) {
        auto *item = new QStandardItem(m_reader->isOpen() ? tr("Nothing found")
                                                          : tr("Nothing synced yet"));
        item->setEnabled(false);
        m_searchResults->appendRow(item);
    }
    if (m_globalSearch->hasFocus())
        m_completer->complete();
}

MainWindow::Page MainWindow::currentPage() const
{
    return kPages[std::max(0, m_navigation->currentRow())];
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
    case Page::Invoices:
        return tr("Invoices");
    case Page::Refunds:
        return tr("Refunds");
    case Page::Prices:
        return tr("Products and prices");
    case Page::Coupons:
        return tr("Coupons");
    case Page::Balance:
        return tr("Balance");
    case Page::Payouts:
        return tr("Payouts");
    }
    return {};
}

void MainWindow::setOnline(bool online)
{
    m_onlineBadge->setText(online ? tr("Online") : tr("Offline"));
    m_actions->setOnline(online);
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
