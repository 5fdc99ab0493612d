#include "models/rollups/fold.h"

#include "models/analytics/analytics.h"
#include "models/rollups/mrrstate.h"

#include <QDateTime>
#include <QMap>
#include <QSet>

#include <map>
#include <tuple>
#include <vector>

using namespace Qt::StringLiterals;

namespace paydesk::models::rollups {

namespace {

// One customer's MRR at the end of each month in one currency, from its first paying month to
// its last (both non-zero; months between may be 0).
struct Series
{
    int first = 0;
    std::vector<qint64> values;
};

struct LineSpan
{
    qint64 start, end, monthly;
};

Series seriesOf(const std::vector<LineSpan> &lines)
{
    std::map<int, qint64> by;
    for (const LineSpan &l : lines)
        for (int m = monthIndex(l.start); monthEndInstant(m) < l.end; ++m)
            by[m] += l.monthly;
    Series s;
    if (by.empty())
        return s;
    s.first = by.begin()->first;
    s.values.assign(size_t(by.rbegin()->first - s.first + 1), 0);
    for (const auto &[month, value] : by)
        s.values[size_t(month - s.first)] = value;
    return s;
}

QString seriesText(const Series &s)
{
    QString text;
    for (const qint64 v : s.values) {
        if (!text.isEmpty())
            text += u',';
        text += QString::number(v);
    }
    return text;
}

Series parseSeries(qint64 first, const QString &text)
{
    Series s;
    s.first = int(first);
    for (const QStringView v : QStringView(text).split(u','))
        s.values.push_back(v.toLongLong());
    return s;
}

using MonthTotals = QMap<std::pair<QString, int>, analytics::MrrMonth>;
using CohortCells = QMap<std::tuple<QString, int, int>, std::pair<qint64, qint64>>;

// What one customer's series adds to (sign 1) or takes from (sign −1) the months' totals and
// its cohort's cells — the same classification as the history computed from the lines.
void contribute(const QString &currency, const Series &s, qint64 sign, MonthTotals *months,
                CohortCells *cells)
{
    const size_t n = s.values.size();
    if (n == 0)
        return;
    bool paidBefore = false;
    const int cohort = s.first; // The first value is not 0: the customer is new then.
    for (size_t k = 0; k <= n; ++k) {
        const qint64 prev = k > 0 ? s.values[k - 1] : 0;
        const qint64 cur = k < n ? s.values[k] : 0;
        if (prev == 0 && cur == 0)
            continue;
        classify((*months)[{currency, s.first + int(k)}], prev, cur, paidBefore, sign);
        paidBefore = paidBefore || cur > 0;
    }
    for (size_t k = 0; k < n; ++k) {
        if (s.values[k] > 0) {
            std::pair<qint64, qint64> &c = (*cells)[{currency, cohort, s.first + int(k)}];
            c.first += sign;
            c.second += sign * s.values[k];
        }
    }
}

using CustomerKeys = QSet<std::pair<QString, QString>>; // (customer, currency)

bool foldSubscriptions(sql::Database &db, CustomerKeys *touched)
{
    if (isClean(db, "sub_dirty"))
        return true;
    {
        // Their customers as they were: what they had is gone from their MRR now.
        sql::Statement was = db.prepare(
            u"SELECT customer, currency FROM sub_mrr WHERE subscription IN (SELECT subscription "
            u"FROM sub_dirty) AND currency IS NOT NULL"_s);
        while (was.step())
            touched->insert({was.text(0), was.text(1)});
    }
    const QList<SubscriptionValue> values
        = subscriptionValues(db, u" AND s.id IN (SELECT subscription FROM sub_dirty)"_s);
    for (const SubscriptionValue &v : values)
        touched->insert({v.customer, v.currency});
    if (!db.exec(u"DELETE FROM sub_mrr WHERE subscription IN (SELECT subscription FROM "
                 u"sub_dirty)"_s))
        return false;
    sql::Statement put
        = db.prepare(u"INSERT INTO sub_mrr (subscription, customer, currency, base, discounted, "
                     u"until) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"_s);
    for (const SubscriptionValue &v : values) {
        put.bind(1, v.id);
        put.bind(2, v.customer);
        put.bind(3, v.currency);
        put.bind(4, v.base);
        if (v.discounted)
            put.bind(5, *v.discounted);
        else
            put.bindNull(5);
        if (v.until)
            put.bind(6, *v.until);
        else
            put.bindNull(6);
        if (!put.exec())
            return false;
    }
    return db.exec(u"DELETE FROM sub_dirty"_s);
}

bool foldHistory(sql::Database &db, CustomerKeys *touched)
{
    QList<std::pair<QString, QString>> dirty;
    {
        sql::Statement d = db.prepare(u"SELECT customer, currency FROM mrr_dirty"_s);
        while (d.step()) {
            dirty.append({d.text(0), d.text(1)});
            touched->insert(dirty.last());
        }
    }
    if (dirty.isEmpty())
        return true;
    sql::Statement old = db.prepare(
        u"SELECT first, series FROM customer_mrr WHERE customer = ?1 AND currency = ?2"_s);
    sql::Statement lines = db.prepare(
        u"SELECT l.start, l.end, sub.ended_at, l.monthly FROM line_mrr l INDEXED BY "
        u"idx_line_mrr_history LEFT JOIN subscriptions sub ON sub.id = l.subscription WHERE "
        u"l.live = 1 AND l.currency = ?2 AND l.customer = ?1 AND l.monthly > 0"_s);
    sql::Statement put = db.prepare(u"INSERT OR REPLACE INTO customer_mrr (customer, currency, "
                                    u"first, series) VALUES (?1, ?2, ?3, ?4)"_s);
    sql::Statement drop
        = db.prepare(u"DELETE FROM customer_mrr WHERE customer = ?1 AND currency = ?2"_s);
    MonthTotals months;
    CohortCells cells;
    std::vector<LineSpan> spans;
    for (const auto &[customer, currency] : std::as_const(dirty)) {
        old.reset();
        old.bind(1, customer);
        old.bind(2, currency);
        if (old.step())
            contribute(currency, parseSeries(old.int64(0), old.text(1)), -1, &months, &cells);
        old.reset();
        lines.reset();
        lines.bind(1, customer);
        lines.bind(2, currency);
        spans.clear();
        while (lines.step()) {
            qint64 end = lines.int64(1);
            if (!lines.isNull(2))
                end = std::min(end, lines.int64(2));
            if (end > lines.int64(0))
                spans.push_back({lines.int64(0), end, lines.int64(3)});
        }
        const Series series = seriesOf(spans);
        contribute(currency, series, 1, &months, &cells);
        sql::Statement &write = series.values.empty() ? drop : put;
        write.bind(1, customer);
        write.bind(2, currency);
        if (!series.values.empty()) {
            write.bind(3, qint64(series.first));
            write.bind(4, seriesText(series));
        }
        if (!write.exec())
            return false;
        write.reset();
    }
    sql::Statement add = db.prepare(
        u"INSERT INTO mrr_months (currency, month, start_mrr, mrr, start_customers, customers, "
        u"new_mrr, new_customers, expansion, contraction, churn, churned_customers, "
        u"reactivation, reactivated_customers) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
        u"?11, ?12, ?13, ?14) ON CONFLICT (currency, month) DO UPDATE SET start_mrr = start_mrr "
        u"+ excluded.start_mrr, mrr = mrr + excluded.mrr, start_customers = start_customers + "
        u"excluded.start_customers, customers = customers + excluded.customers, new_mrr = "
        u"new_mrr + excluded.new_mrr, new_customers = new_customers + excluded.new_customers, "
        u"expansion = expansion + excluded.expansion, contraction = contraction + "
        u"excluded.contraction, churn = churn + excluded.churn, churned_customers = "
        u"churned_customers + excluded.churned_customers, reactivation = reactivation + "
        u"excluded.reactivation, reactivated_customers = reactivated_customers + "
        u"excluded.reactivated_customers"_s);
    for (auto it = months.cbegin(); it != months.cend(); ++it) {
        const analytics::MrrMonth &m = it.value();
        add.bind(1, it.key().first);
        add.bind(2, qint64(it.key().second));
        const qint64 values[] = {m.startMrr,         m.mrr,          m.startCustomers,
                                 m.customers,        m.newMrr,       m.newCustomers,
                                 m.expansion,        m.contraction,  m.churn,
                                 m.churnedCustomers, m.reactivation, m.reactivatedCustomers};
        for (int i = 0; i < 12; ++i)
            add.bind(3 + i, values[i]);
        if (!add.exec())
            return false;
    }
    sql::Statement cell = db.prepare(
        u"INSERT INTO mrr_cohorts (currency, cohort, month, paying, mrr) VALUES (?1, ?2, ?3, "
        u"?4, ?5) ON CONFLICT (currency, cohort, month) DO UPDATE SET paying = paying + "
        u"excluded.paying, mrr = mrr + excluded.mrr"_s);
    for (auto it = cells.cbegin(); it != cells.cend(); ++it) {
        cell.bind(1, std::get<0>(it.key()));
        cell.bind(2, qint64(std::get<1>(it.key())));
        cell.bind(3, qint64(std::get<2>(it.key())));
        cell.bind(4, it.value().first);
        cell.bind(5, it.value().second);
        if (!cell.exec())
            return false;
    }
    // A month nobody paid in at its start or end holds nothing else either.
    return db.exec(u"DELETE FROM mrr_months WHERE start_customers = 0 AND customers = 0; "
                   u"DELETE FROM mrr_cohorts WHERE paying = 0; DELETE FROM mrr_dirty"_s);
}

// Each customer's MRR as the month of `now` began (prev: their series at the month before)
// and at `now` (their subscriptions' values), with their cohort: the history's current month
// is their sums (mrrHistoryFromMonths). The touched customers are computed again; all of them
// when the month changed since, and those whose discount ran out since.
bool foldCurrent(sql::Database &db, CustomerKeys touched, qint64 now)
{
    if (!hasCustomerNow(db))
        return true;
    const int month = monthIndex(now);
    const qint64 folded = customerNowAt(db);
    const bool all = folded < 0 || monthIndex(folded) != month;
    if (!all && touched.isEmpty() && !discountEndsBetween(db, folded, now))
        return true; // Nothing changed: the values of `folded` are the values now.
    sql::Statement put = db.prepare(
        u"INSERT OR REPLACE INTO customer_now (customer, currency, prev, now, cohort) VALUES "
        u"(?1, ?2, ?3, ?4, ?5)"_s);
    sql::Statement drop
        = db.prepare(u"DELETE FROM customer_now WHERE customer = ?1 AND currency = ?2"_s);
    auto write = [&](const QString &customer, const QString &currency, int first,
                     const QString &series, qint64 value) {
        const int cohort = first >= 0 && first < month ? first : -1;
        const qint64 prev = cohort >= 0 ? seriesValue(series, month - 1 - cohort) : 0;
        sql::Statement &w = prev == 0 && value == 0 ? drop : put;
        w.reset();
        w.bind(1, customer);
        w.bind(2, currency);
        if (prev != 0 || value != 0) {
            w.bind(3, prev);
            w.bind(4, value);
            w.bind(5, qint64(cohort));
        }
        return w.exec();
    };
    if (all) {
        // Everybody, in one pass of one join.
        if (!db.exec(u"DELETE FROM customer_now"_s))
            return false;
        sql::Statement c = db.prepare(
            QStringLiteral("WITH n AS (SELECT customer, currency, sum(%1) AS now FROM sub_mrr "
                           "WHERE currency IS NOT NULL GROUP BY customer, currency) "
                           "SELECT c.customer, c.currency, c.first, c.series, coalesce(n.now, 0) "
                           "FROM customer_mrr c LEFT JOIN n ON n.customer = c.customer AND "
                           "n.currency = c.currency UNION ALL SELECT n.customer, n.currency, -1, "
                           "'', n.now FROM n WHERE NOT EXISTS (SELECT 1 FROM customer_mrr c "
                           "WHERE c.customer = n.customer AND c.currency = n.currency)")
                .arg(QLatin1String(kSubMrrAt)));
        c.bind(1, now);
        while (c.step())
            if (!write(c.text(0), c.text(1), int(c.int64(2)), c.text(3), c.int64(4)))
                return false;
    } else {
        sql::Statement expiring = db.prepare(
            u"SELECT customer, currency FROM sub_mrr WHERE until > ?1 AND until <= ?2 AND "
            u"currency IS NOT NULL"_s);
        expiring.bind(1, std::min(folded, now));
        expiring.bind(2, std::max(folded, now));
        while (expiring.step())
            touched.insert({expiring.text(0), expiring.text(1)});
        sql::Statement series = db.prepare(
            u"SELECT first, series FROM customer_mrr WHERE customer = ?1 AND currency = ?2"_s);
        sql::Statement value = db.prepare(
            u"SELECT coalesce(sum(%1), 0) FROM sub_mrr WHERE currency = ?3 AND customer = ?2"_s.arg(
                QLatin1String(kSubMrrAt)));
        for (const auto &[customer, currency] : std::as_const(touched)) {
            series.reset();
            series.bind(1, customer);
            series.bind(2, currency);
            const bool paid = series.step();
            value.reset();
            value.bind(1, now);
            value.bind(2, customer);
            value.bind(3, currency);
            const qint64 v = value.step() ? value.int64(0) : 0;
            if (!write(customer, currency, paid ? int(series.int64(0)) : -1,
                       paid ? series.text(1) : QString(), v))
                return false;
        }
    }
    sql::Statement at = db.prepare(u"INSERT INTO sync_state (key, value) VALUES ('mrr_now_at', "
                                   u"?1) ON CONFLICT(key) DO UPDATE SET value = excluded.value"_s);
    at.bind(1, QString::number(now));
    return at.exec();
}

} // namespace

bool foldRollups(sql::Database &db)
{
    if (!hasMrrRollups(db))
        return true;
    CustomerKeys touched;
    return foldSubscriptions(db, &touched) && foldHistory(db, &touched)
        && foldCurrent(db, touched, QDateTime::currentSecsSinceEpoch());
}

} // namespace paydesk::models::rollups
