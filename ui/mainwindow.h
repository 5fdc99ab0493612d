#pragma once

#include <QMainWindow>

class QLabel;
class QProgressBar;
class QListWidget;
class QStackedWidget;

namespace paydesk::ui {

class PaymentsPage;
class StatusBadge;

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
    enum class Page { Home, Payments, Customers, Subscriptions, Disputes, Analytics, Activity };
    Q_ENUM(Page)

    struct Account
    {
        QString name; // Business name shown in the status bar and title.
        bool testMode = true;
        bool demo = false; // Data comes from the built-in demo merchant.
    };

    explicit MainWindow(const Account &account, QWidget *parent = nullptr);

    void showPage(Page page);
    Page currentPage() const;
    static QString pageTitle(Page page);

    void setOnline(bool online);
    void setLastSync(const QDateTime &when);
    // A sync at work: what it is listing, how far, the estimated total (-1: unknown) and time
    // left (-1: unknown). An empty `what` hides the bar.
    void setSyncProgress(const QString &what, qint64 done, qint64 total, qint64 etaSeconds);
    PaymentsPage *paymentsPage() const { return m_paymentsPage; }
    // What Paydesk is busy with ("Generating the demo merchant…"). Unlike QStatusBar's
    // temporary messages it never hides the mode badge.
    void setStatusText(const QString &text);

Q_SIGNALS:
    void currentPageChanged(paydesk::ui::MainWindow::Page page);

private:
    void buildNavigation();
    void buildStatusBar(const Account &account);

    QListWidget *m_navigation;
    QStackedWidget *m_pages;
    QLabel *m_accountLabel = nullptr;
    StatusBadge *m_modeBadge = nullptr;
    QLabel *m_syncLabel = nullptr;
    QProgressBar *m_syncProgress = nullptr;
    PaymentsPage *m_paymentsPage = nullptr;
    QLabel *m_statusText = nullptr;
    StatusBadge *m_onlineBadge = nullptr;
};

} // namespace paydesk::ui
