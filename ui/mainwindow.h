#pragma once

#include "models/store/cachereader.h"
#include "models/views/disputewatch.h"

#include <QHash>
#include <QMainWindow>

class QCompleter;
class QLabel;
class QLineEdit;
class QStandardItemModel;
class QTimer;
class QToolButton;
class QProgressBar;
class QListWidget;
class QStackedWidget;
class QSystemTrayIcon;

namespace paydesk::ui {

class ActionController;
class ActivityPage;
class AnalyticsPage;
class BalancePage;
class HomePage;
class ConnectPage;
class ListPage;
class PaymentsPage;
class StatusBadge;
class TablePage;

/*
 * The application window: a navigation list on the left (Home, Payments, Customers,
 * Subscriptions, Disputes, Analytics, Activity) switching the pages of a stack, and a status
 * bar that shows which account and mode the user is looking at, when data was last synced and
 * whether Paydesk is online.
 */
class MainWindow final : public QMainWindow
{
    Q_OBJECT
public:
    enum class Page {
        Home,
        Payments,
        Customers,
        Subscriptions,
        Disputes,
        Analytics,
        Activity,
        Invoices,
        Refunds,
        Prices, // Products and prices (read-only).
        Coupons, // (read-only)
        Balance,
        Payouts
    };
    Q_ENUM(Page)

    struct Account
    {
        QString name; // Business name shown in the status bar and title.
        bool testMode = true;
        bool demo = false; // Data comes from the built-in demo merchant.
    };

    explicit MainWindow(const Account &account, QWidget *parent = nullptr);

    // A profile as the profile menu lists it: its name, its account, which modes have a key.
    struct ProfileEntry
    {
        QString name;
        QString accountName;
        bool hasTestKey = false;
        bool hasLiveKey = false;
    };
    // The profile menu of the top bar: every profile with its test and live mode (the current
    // one ticked), "Add profile…" and "Settings…".
    void setProfiles(const QList<ProfileEntry> &profiles, const QString &current, bool live);
    QToolButton *profileButton() const { return m_profileButton; }

    void showPage(Page page);
    // The first-run screen instead of the pages (navigation hidden) until an account is set.
    void showConnectScreen();
    ConnectPage *connectPage() const { return m_connectPage; }
    // The account now shown: title, mode badge and account label follow; leaves the connect
    // screen for Payments.
    void setAccount(const Account &account);
    Page currentPage() const;
    static QString pageTitle(Page page);

    void setOnline(bool online);
    void setLastSync(const QDateTime &when);
    // A sync at work: what it is listing, how far, the estimated total (-1: unknown) and time
    // left (-1: unknown). An empty `what` hides the bar.
    void setSyncProgress(const QString &what, qint64 done, qint64 total, qint64 etaSeconds);
    PaymentsPage *paymentsPage() const { return m_paymentsPage; }
    ListPage *listPage(Page page) const;
    // The table page of a page, if it is one.
    TablePage *tablePage(Page page) const;
    // Reads an object again into the detail panels that show it (after the session fetched
    // more of it).
    void reloadObject(const QString &table, const QString &id);
    // Gives every page the cache to read (again, after a sync); empty: nothing synced yet.
    void setCache(const QString &path);
    QString cachePath() const { return m_cachePath; }
    // The window's one connection to that cache.
    models::CacheReader *reader() const { return m_reader; }
    // Opens an object of the cache on its page with its detail panel ("customers", "cus_…").
    bool openObject(const QString &table, const QString &id);
    QLineEdit *globalSearchField() const { return m_globalSearch; }
    // The results the global search shows for a text (as it lists them).
    QStringList globalSearchResults(const QString &text);
    // What Paydesk is busy with ("Generating the demo merchant…"). Unlike QStatusBar's
    // temporary messages it never hides the mode badge.
    void setStatusText(const QString &text);
    // A lasting notice about the key ("kept for this session only"); empty hides it.
    void setKeyNotice(const QString &text);
    // Staff actions: which are possible, their dialogs, and the views they refresh.
    ActionController *actions() const { return m_actions; }
    ActivityPage *activityPage() const { return m_activityPage; }
    HomePage *homePage() const { return m_homePage; }
    AnalyticsPage *analyticsPage() const { return m_analyticsPage; }
    BalancePage *balancePage() const { return m_balancePage; }
    // The notifications given so far ("New dispute: $40.00 · Fraudulent · …"), oldest first.
    QStringList notifications() const { return m_notifications; }

Q_SIGNALS:
    void currentPageChanged(paydesk::ui::MainWindow::Page page);
    void profileRequested(const QString &name, bool live);
    void addProfileRequested();
    void settingsRequested();
    // A page's detail panel shows this object.
    void objectShown(const QString &table, const QString &id);
    // A desktop notification was given (a new dispute, disputes due within 72 hours).
    void notified(const QString &title, const QString &text);

protected:
    void changeEvent(QEvent *event) override;

private:
    void styleNavigation();
    void buildNavigation();
    void runGlobalSearch();
    void readDenied();
    // The sidebar's count of disputes that need a response, and the notifications they owe.
    void countDisputes();
    void notify(const models::DisputeAlert &alert);
    void buildStatusBar(const Account &account);

    QListWidget *m_navigation;
    QStackedWidget *m_pages;
    QLabel *m_accountLabel = nullptr;
    StatusBadge *m_modeBadge = nullptr;
    QLabel *m_syncLabel = nullptr;
    QProgressBar *m_syncProgress = nullptr;
    PaymentsPage *m_paymentsPage = nullptr;
    QLabel *m_statusText = nullptr;
    QLabel *m_keyNotice = nullptr;
    QHash<Page, QWidget *> m_pageWidgets;
    ConnectPage *m_connectPage = nullptr;
    QWidget *m_topBar = nullptr;
    QToolButton *m_profileButton = nullptr;
    QString m_cachePath;
    bool m_testMode = true;
    QLineEdit *m_globalSearch = nullptr;
    QCompleter *m_completer = nullptr;
    QStandardItemModel *m_searchResults = nullptr;
    QTimer *m_searchDelay = nullptr;
    models::CacheReader *m_reader = nullptr;
    StatusBadge *m_onlineBadge = nullptr;
    ActionController *m_actions = nullptr;
    ActivityPage *m_activityPage = nullptr;
    HomePage *m_homePage = nullptr;
    AnalyticsPage *m_analyticsPage = nullptr;
    BalancePage *m_balancePage = nullptr;
    models::DisputeWatch m_disputeWatch;
    QSystemTrayIcon *m_tray = nullptr;
    QString m_notifiedDispute; // What clicking the last notification opens ("": the page).
    QStringList m_notifications;
};

} // namespace paydesk::ui
