#pragma once

#include "models/views/objectdetail.h"

#include <QHash>
#include <QPointer>
#include <QWidget>

class QGridLayout;
class QHBoxLayout;
class QLabel;
class QPushButton;
class QPlainTextEdit;
class QTabWidget;
class QTextBrowser;

namespace paydesk::models {
class CacheReader;
}

namespace paydesk::ui {

class StatusBadge;

/*
 * The panel beside a table that shows one object of the cache: title, status pill, its
 * sections (links open the related customer, payment, subscription, …) and the raw Stripe
 * JSON. Reads the cache through the window's reader (its page's).
 */
class DetailPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit DetailPanel(QWidget *parent = nullptr);

    // Where objects are read from (owned by the page); the panel is cleared.
    void setReader(models::CacheReader *reader);
    void setTestMode(bool testMode) { m_testMode = testMode; }
    // Shows an object; returns false (and says so) if the cache does not have it.
    bool showObject(const QString &table, const QString &id);
    void clear();
    // Why staff actions are off ("" when they are possible): their buttons are disabled and
    // the reason is shown.
    // Why each action is off ("refund" → reason); an action not listed is possible.
    void setActionReasons(const QHash<QString, QString> &reasons);
    // The action buttons shown for the current object ("refund", "customer.edit", …).
    QStringList actionNames() const;
    QPushButton *actionButton(const QString &action) const;
    const models::ObjectDetail &detail() const { return m_detail; }
    QString overviewHtml() const;
    // Writes the shown payout's reconciliation as CSV (what its "Export reconciliation…"
    // button does once a file is chosen); false with the reason when it is not linked or does
    // not add up, and nothing is written.
    bool exportReconciliation(const QString &file, QString *error);
    // The widget Tab comes from into the panel (its table): the panel's widgets follow it in
    // screen order, its staff actions first, whenever they are made again.
    void setTabPredecessor(QWidget *previous);

Q_SIGNALS:
    // A link of the panel: open this object in its own page.
    void openObject(const QString &table, const QString &id);
    void closeRequested();
    // A staff action on the object shown ("refund", "customer.edit", "customer.delete",
    // "subscription.cancel").
    void actionRequested(const QString &action, const QString &id);
    // "All payments of this customer": show the rows of `table` that belong to a customer.
    void showCustomerRows(const QString &table, const QString &customerId, const QString &label);
    // An object of the cache is shown (the session may fetch what the cache only has in part:
    // a customer's saved payment methods).
    void objectShown(const QString &table, const QString &id);

private:
    void chainTabOrder();
    QString html() const;
    void updateActions();

    QPointer<models::CacheReader> m_reader;
    models::ObjectDetail m_detail;
    bool m_testMode = true;
    QLabel *m_title;
    QLabel *m_subtitle;
    StatusBadge *m_status;
    QTabWidget *m_tabs;
    QTextBrowser *m_overview;
    QPlainTextEdit *m_json;
    QGridLayout *m_actionRow; // Two buttons a row: a subscription has up to five.
    QLabel *m_actionsOff;
    QList<QPushButton *> m_actionButtons;
    QHash<QString, QString> m_reasons;
    QPointer<QWidget> m_tabPredecessor;
};

} // namespace paydesk::ui
