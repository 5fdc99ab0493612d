#pragma once

#include "models/payouts/balance.h"

#include <QPointer>
#include <QWidget>

class QGridLayout;
class QLabel;
class QTableWidget;

namespace paydesk::models {
class CacheReader;
}

namespace paydesk::ui {

/*
 * The Balance page: per currency what is available, pending and available for an instant
 * payout (Stripe's balance as the last sync read it, with when), the account's payout schedule
 * and the next payout expected, and the latest payouts (Enter opens one on the Payouts page).
 * Read from the cache, so it works offline; again whenever a sync lands.
 */
class BalancePage final : public QWidget
{
    Q_OBJECT
public:
    explicit BalancePage(QWidget *parent = nullptr);
    void setReader(models::CacheReader *reader);
    // The "now" the next payout is expected after (tests; 0: the clock).
    void setNow(qint64 now) { m_now = now; }
    void refresh();
    const models::payouts::BalanceView &view() const { return m_view; }
    QTableWidget *recentTable() const { return m_recent; }

Q_SIGNALS:
    void openObject(const QString &table, const QString &id);

private:
    QPointer<models::CacheReader> m_reader;
    qint64 m_now = 0;
    models::payouts::BalanceView m_view;
    QLabel *m_asOf;
    QWidget *m_tileArea;
    QGridLayout *m_tiles;
    QLabel *m_schedule;
    QTableWidget *m_recent;
};

} // namespace paydesk::ui
