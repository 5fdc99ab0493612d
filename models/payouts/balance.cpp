#include "models/payouts/balance.h"

#include <QDate>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimeZone>

namespace paydesk::models::payouts {

using namespace Qt::StringLiterals;

qint64 nextPayoutTime(const QString &interval, const QString &weeklyAnchor, int monthlyAnchor,
                      qint64 after)
{
    QDate day = QDateTime::fromSecsSinceEpoch(after, QTimeZone::utc()).date().addDays(1);
    static const QStringList kWeekdays {u"monday"_s, u"tuesday"_s,  u"wednesday"_s, u"thursday"_s,
                                        u"friday"_s, u"saturday"_s, u"sunday"_s};
    if (interval == "daily"_L1) {
        // Every day.
    } else if (interval == "weekly"_L1) {
        const int anchor = int(kWeekdays.indexOf(weeklyAnchor)) + 1;
        if (anchor <= 0)
            return 0;
        while (day.dayOfWeek() != anchor)
            day = day.addDays(1);
    } else if (interval == "monthly"_L1) {
        if (monthlyAnchor < 1 || monthlyAnchor > 31)
            return 0;
        // The anchor, or the month's last day when it is shorter.
        for (int i = 0; i < 62; ++i, day = day.addDays(1)) {
            if (day.day() == std::min(monthlyAnchor, day.daysInMonth()))
                break;
        }
    } else {
        return 0;
    }
    return QDateTime(day, QTime(0, 0), QTimeZone::utc()).toSecsSinceEpoch();
}

BalanceView readBalance(sql::Database &db, qint64 now, int recentPayouts)
{
    BalanceView v;
    sql::Statement state = db.prepare(u"SELECT key, value FROM sync_state WHERE key IN "
                                      "('balance', 'denied:balance')"_s);
    QJsonObject balance;
    while (state.step()) {
        if (state.text(0) == "balance"_L1)
            balance = QJsonDocument::fromJson(state.text(1).toUtf8()).object();
        else
            v.denied = state.text(1);
    }
    v.known = !balance.isEmpty();
    v.fetchedAt = balance.value(u"fetched_at"_s).toInteger();
    auto each = [&](const char *key, auto set) {
        for (const QJsonValue &a : balance.value(QLatin1String(key)).toArray()) {
            const QString currency = a[u"currency"_s].toString();
            auto it = std::find_if(v.amounts.begin(), v.amounts.end(),
                                   [&](const BalanceAmount &b) { return b.currency == currency; });
            if (it == v.amounts.end()) {
                v.amounts.append({currency});
                it = v.amounts.end() - 1;
            }
            set(*it, a[u"amount"_s].toInteger());
        }
    };
    each("available", [](BalanceAmount &b, qint64 x) { b.available = x; });
    each("pending", [](BalanceAmount &b, qint64 x) { b.pending = x; });
    each("instant_available", [](BalanceAmount &b, qint64 x) {
        b.instantAvailable = x;
        b.hasInstant = true;
    });

    sql::Statement account = db.prepare(
        u"SELECT json_extract(raw, '$.settings.payouts.schedule.interval'), "
        "json_extract(raw, '$.settings.payouts.schedule.delay_days'), "
        "json_extract(raw, '$.settings.payouts.schedule.weekly_anchor'), "
        "json_extract(raw, '$.settings.payouts.schedule.monthly_anchor') FROM account LIMIT 1"_s);
    if (account.step()) {
        v.interval = account.text(0);
        v.delayDays = int(account.int64(1));
        const qint64 after = std::max(now, v.fetchedAt);
        v.nextPayoutAt = nextPayoutTime(v.interval, account.text(2), int(account.int64(3)), after);
    }
    if (v.nextPayoutAt > 0 && v.known && !v.amounts.isEmpty()) {
        // Paid out in the account's settlement currency: the first the balance lists.
        const BalanceAmount &main = v.amounts.first();
        sql::Statement becoming = db.prepare(
            u"SELECT coalesce(sum(net), 0) FROM balance_transactions WHERE deleted = 0 AND "
            "currency = ?1 AND available_on > ?2 AND available_on <= ?3"_s);
        becoming.bind(1, main.currency);
        becoming.bind(2, v.fetchedAt);
        becoming.bind(3, v.nextPayoutAt);
        const qint64 more = becoming.step() ? becoming.int64(0) : 0;
        v.nextPayoutAmount = main.available + more;
        v.nextPayoutCurrency = main.currency;
        if (v.nextPayoutAmount <= 0)
            v.nextPayoutAt = 0; // Nothing is paid out of a balance that is not positive.
    }
    sql::Statement recent = db.prepare(u"SELECT id, amount, currency, status, arrival_date FROM "
                                       "payouts WHERE deleted = 0 ORDER BY created DESC, id DESC "
                                       "LIMIT ?1"_s);
    recent.bind(1, qint64(recentPayouts));
    while (recent.step())
        v.recent.append(
            {recent.text(0), recent.int64(1), recent.text(2), recent.text(3), recent.int64(4)});
    return v;
}

} // namespace paydesk::models::payouts
