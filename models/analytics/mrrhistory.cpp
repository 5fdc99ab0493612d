#include "models/analytics/analytics.h"
#include "models/analytics/analyticssql.h"
#include "models/rollups/mrrstate.h"
#include "models/rollups/normalise.h"

#include <QDateTime>
#include <QHash>
#include <QSet>
#include <QTimeZone>

#include <algorithm>
#include <map>

using namespace Qt::StringLiterals;

namespace paydesk::models::analytics {

using namespace detail;
using namespace rollups;

qint64 MrrMonth::arpa() const
{
    return divideHalfUp(mrr, customers);
}

qint64 ChurnSummary::ltv() const
{
    // ARPA ÷ (churned ÷ base ÷ months) = ARPA × base × months ÷ churned.
    if (customerChurn.numerator == 0 || months == 0)
        return 0;
    return divideHalfUp(arpa * customerChurn.denominator * months, customerChurn.numerator);
}

MrrHistory mrrHistory(sql::Database &db, const Range &range, bool fromRollup);

MrrHistory mrrHistoryFromMonths(sql::Database &db, const Range &range);

namespace {

// One customer's MRR in one currency at an instant, as mrr() counts it.
struct CustomerNow
{
    QString currency, customer;
    qint64 mrr = 0;
};

// Every customer's MRR at `at`: from sub_mrr when it is folded and `fromRollup`, else from
// the subscriptions themselves (the reference).
QList<CustomerNow> customersNow(sql::Database &db, qint64 at, const QString &currency,
                                bool fromRollup)
{
    QList<CustomerNow> out;
    if (fromRollup && hasMrrRollups(db) && isClean(db, "sub_dirty")) {
        sql::Statement s = db.prepare(
            u"SELECT currency, customer, sum(%1) FROM sub_mrr%2 GROUP BY currency, customer"_s.arg(
                QLatin1String(kSubMrrAt),
                currency.isEmpty() ? QString() : u" WHERE currency = ?2"_s));
        s.bind(1, at);
        if (!currency.isEmpty())
            s.bind(2, currency.toLower());
        while (s.step())
            out.append({s.text(0), s.text(1), s.int64(2)});
        return out;
    }
    QMap<std::pair<QString, QString>, qint64> by;
    for (const SubscriptionValue &sub : subscriptionValues(
             db, currency.isEmpty() ? QString() : u" AND s.currency = ?1"_s, currency))
        by[{sub.currency, sub.customer}] += sub.valueAt(at);
    for (auto it = by.cbegin(); it != by.cend(); ++it)
        out.append({it.key().first, it.key().second, it.value()});
    return out;
}

// One month's movements for one customer going from `prev` to `cur`, as ChartMogul classifies
} // namespace

MrrHistory mrrHistory(sql::Database &db, const Range &range)
{
    // Schema 7 keeps the months' totals and cohorts (mrr_months, mrr_cohorts), folded in at
    // every commit. They answer for a range that runs past every line's start (the lines the
    // history reads start before the range ends) when nothing was written since the last fold.
    if (isUtc(range.zone) && hasMrrRollups(db) && isClean(db, "mrr_dirty")
        && isClean(db, "sub_dirty")
        && db.scalar(QStringLiteral("SELECT coalesce(max(start), 0) FROM line_mrr WHERE live = 1"),
                     0)
            < range.to)
        return mrrHistoryFromMonths(db, range);
    return mrrHistory(db, range, hasRollups(db));
}

MrrHistory mrrHistoryFromRows(sql::Database &db, const Range &range)
{
    return mrrHistory(db, range, false);
}

MrrHistory mrrHistory(sql::Database &db, const Range &range, bool fromRollup)
{
    MrrHistory out;
    // Paid or still open (past_due) invoices' subscription lines, prorations left out, net of
    // their discounts and without tax; a line stops counting when its subscription ended. The
    // rollup (schema 6) holds each line's monthly amount, computed once when it was cached.
    const QString cur = range.currency.isEmpty() ? QString() : u" AND l.currency = ?2"_s;
    sql::Statement s = db.prepare(
        fromRollup
            ? u"SELECT l.customer, l.currency, l.start, l.end, sub.ended_at, l.monthly FROM "
              u"line_mrr l INDEXED BY idx_line_mrr_history LEFT JOIN subscriptions sub ON sub.id "
              u"= l.subscription WHERE l.live = 1 AND l.monthly > 0 AND l.start < ?1 AND "
              u"l.currency IS "
              u"NOT NULL%1 ORDER BY "
              u"l.currency, l.customer"_s.arg(cur)
            : u"SELECT i.customer, l.currency, l.period_start, l.period_end, sub.ended_at, "
              u"coalesce(json_extract(l.raw, '$.amount_excluding_tax'), l.amount) - "
              u"coalesce((SELECT sum(json_extract(d.value, '$.amount')) FROM json_each(l.raw, "
              u"'$.discount_amounts') d), 0), json_extract(l.raw, '$.price.recurring.interval'), "
              u"json_extract(l.raw, '$.price.recurring.interval_count'), "
              u"coalesce(json_extract(l.raw, '$.price.recurring.usage_type'), 'licensed') "
              u"FROM invoice_lines l JOIN invoices i ON i.id = l.invoice "
              u"LEFT JOIN subscriptions sub ON sub.id = l.subscription "
              u"WHERE l.deleted = 0 AND i.deleted = 0 AND i.status IN ('paid', 'open') AND "
              u"l.type = 'subscription' AND coalesce(l.proration, 0) = 0 AND i.customer IS NOT "
              u"NULL AND l.currency IS NOT NULL AND l.period_start < ?1%1 ORDER BY l.currency, "
              u"i.customer"_s.arg(cur));
    s.bind(1, range.to);
    if (!range.currency.isEmpty())
        s.bind(2, range.currency.toLower());
    // Lines come grouped by currency and customer (the rollup's index order; the JSON path
    // sorts): a customer is a run of lines, numbered as they come.
    struct Line
    {
        int customer;
        qint64 start, end, monthly;
    };
    std::vector<Line> lines;
    QStringList currencyNames;
    // Customers as they come: their currency, and their lines as one run of `lines`.
    struct Customer
    {
        int currency = 0;
        size_t from = 0, to = 0;
        qint64 now = 0; // The MRR of their subscriptions at `now`.
    };
    std::vector<Customer> customers;
    QHash<std::pair<QString, QString>, int> customerIndex;
    auto currencyOf = [&](const QString &currency) {
        int index = int(currencyNames.indexOf(currency));
        if (index < 0) {
            index = int(currencyNames.size());
            currencyNames.append(currency);
        }
        return index;
    };
    QString lastCustomer, lastCurrency;
    qint64 earliest = range.from;
    while (s.step()) {
        qint64 monthly = 0;
        if (fromRollup) {
            monthly = s.int64(5);
        } else {
            if (s.text(8) == QLatin1String("metered"))
                continue;
            monthly = monthlyAmount(s.int64(5), 1, s.text(6), s.isNull(7) ? 1 : s.int64(7));
        }
        if (monthly <= 0)
            continue;
        qint64 end = s.int64(3);
        if (!s.isNull(4))
            end = std::min(end, s.int64(4));
        if (end <= s.int64(2))
            continue;
        const QString currency = s.text(1);
        const QString customer = s.text(0);
        if (customer != lastCustomer || currency != lastCurrency || customers.empty()) {
            lastCustomer = customer;
            lastCurrency = currency;
            customerIndex.insert({currency, customer}, int(customers.size()));
            customers.push_back({currencyOf(currency), lines.size(), lines.size(), 0});
        }
        lines.push_back({int(customers.size()) - 1, s.int64(2), end, monthly});
        customers.back().to = lines.size();
        earliest = std::min(earliest, s.int64(2));
    }
    // The month ends that have not come yet are read as the subscriptions are now.
    const qint64 now = range.now();
    for (const CustomerNow &c : customersNow(db, now, range.currency, fromRollup)) {
        auto it = customerIndex.constFind({c.currency, c.customer});
        if (it == customerIndex.cend()) {
            it = customerIndex.insert({c.currency, c.customer}, int(customers.size()));
            customers.push_back({currencyOf(c.currency), 0, 0, 0});
        }
        customers[size_t(it.value())].now += c.mrr;
    }
    // Month ends from the first month anything was paid: "new" needs the whole history.
    const QTimeZone zone = range.zone.isValid() ? range.zone : QTimeZone::utc();
    const Range all {earliest, range.to, Interval::Month, {}, zone};
    const QStringList months = buckets(all);
    QList<qint64> instants; // The last second of each month, in the range's zone.
    for (qsizetype k = 0; k < months.size(); ++k) {
        const QDate next = QDate::fromString(months.at(k), Qt::ISODate).addMonths(1);
        instants.append(next.startOfDay(zone).toSecsSinceEpoch() - 1);
    }
    const qsizetype n = months.size();
    // The first month read at `now`: its end has not come yet.
    const qsizetype carried
        = std::lower_bound(instants.begin(), instants.end(), now) - instants.begin();
    const QString fromBucket = bucketOf(range.from, Interval::Month, zone);
    // Per currency, per month.
    std::vector<std::vector<MrrMonth>> rows(size_t(currencyNames.size()),
                                            std::vector<MrrMonth>(size_t(n)));
    QMap<std::pair<QString, QString>, CohortRow> cohorts;
    QList<qint64> m(n, 0); // The current customer's MRR at each month end.
    QSet<QString> paying; // Currencies somebody paid in at a month's end.
    for (const Customer &customer : customers) {
        std::fill(m.begin(), m.end(), 0);
        for (size_t i = customer.from; i < customer.to; ++i) {
            const Line &l = lines[i];
            for (auto it = std::lower_bound(instants.begin(), instants.end(), l.start);
                 it != instants.end() && *it < l.end && it - instants.begin() < carried; ++it)
                m[it - instants.begin()] += l.monthly;
        }
        for (qsizetype k = carried; k < n; ++k)
            m[k] = customer.now;
        const QString &currency = currencyNames.at(customer.currency);
        std::vector<MrrMonth> &perMonth = rows[size_t(customer.currency)];
        bool paidBefore = false;
        qsizetype cohortMonth = -1;
        for (qsizetype k = 0; k < n; ++k) {
            const qint64 prev = k > 0 ? m.at(k - 1) : 0;
            const qint64 cur = m.at(k);
            classify(perMonth[size_t(k)], prev, cur, paidBefore);
            if (prev == 0 && cur > 0 && !paidBefore)
                cohortMonth = k;
            paidBefore = paidBefore || cur > 0;
        }
        if (paidBefore)
            paying.insert(currency);
        if (cohortMonth >= 0 && months.at(cohortMonth) >= fromBucket) {
            CohortRow &c = cohorts[{currency, months.at(cohortMonth)}];
            c.cohort = months.at(cohortMonth);
            c.currency = currency;
            c.customers += 1;
            c.startMrr += m.at(cohortMonth);
            const qsizetype span = n - cohortMonth;
            if (c.paying.size() < span) {
                c.paying.resize(span, 0);
                c.mrr.resize(span, 0);
            }
            for (qsizetype j = 0; j < span; ++j) {
                c.paying[j] += m.at(cohortMonth + j) > 0;
                c.mrr[j] += m.at(cohortMonth + j);
            }
        }
    }
    QStringList sorted = currencyNames;
    sorted.sort();
    for (qsizetype k = 0; k < n; ++k) {
        if (months.at(k) < fromBucket)
            continue;
        for (const QString &currency : std::as_const(sorted)) {
            if (!paying.contains(currency))
                continue; // Its lines never ran over a month's end.
            MrrMonth r = rows[size_t(currencyNames.indexOf(currency))][size_t(k)];
            r.bucket = months.at(k);
            r.currency = currency;
            out.months.append(r);
        }
    }
    out.cohorts = cohorts.values();
    return out;
}

MrrHistory mrrHistoryFromMonths(sql::Database &db, const Range &range)
{
    const int fromMonth = monthIndex(range.from);
    const int toMonth = monthIndex(range.to - 1);
    // The months from `nowMonth` on end after now: they are read as the subscriptions are now
    // (sub_mrr), the months before it from the folded totals of the invoice lines.
    const qint64 now = range.now();
    const int nowMonth = monthIndex(now);
    const int lastBilled = std::min(toMonth, nowMonth - 1);
    const QString cur = range.currency.isEmpty() ? QString() : u" AND currency = ?3"_s;
    auto bucket = [](int month) {
        return monthStart(month).toString(Qt::ISODate);
    };
    // A query of the months (?1, ?2) and currency (?3).
    auto query = [&](const char *text, qint64 from, qint64 to) {
        sql::Statement q = db.prepare(QString::fromLatin1(text).arg(cur));
        q.bind(1, from);
        q.bind(2, to);
        if (!range.currency.isEmpty())
            q.bind(3, range.currency.toLower());
        return q;
    };
    // The month that began before now, per currency (what moved it, customer by customer from
    // the MRR at its start to the MRR now), and its cohort cells (currency, cohort) → customers
    // paying now and their MRR. The months after it stay as it ends.
    QMap<QString, MrrMonth> current;
    QMap<std::pair<QString, int>, std::pair<qint64, qint64>> currentCells;
    QSet<QString> paying; // Currencies somebody paid in at a month's end.
    if (toMonth >= nowMonth && currentIsFolded(db, nowMonth, now)) {
        // Kept by the fold for this month (customer_now): sums, no customer read here.
        sql::Statement c = db.prepare(
            u"SELECT currency, sum(prev), sum(now), sum(prev > 0), sum(now > 0), "
            u"sum(CASE WHEN prev = 0 AND now > 0 AND cohort < 0 THEN now ELSE 0 END), "
            u"sum(prev = 0 AND now > 0 AND cohort < 0), "
            u"sum(CASE WHEN prev > 0 AND now > prev THEN now - prev ELSE 0 END), "
            u"sum(CASE WHEN now > 0 AND now < prev THEN prev - now ELSE 0 END), "
            u"sum(CASE WHEN prev > 0 AND now = 0 THEN prev ELSE 0 END), "
            u"sum(prev > 0 AND now = 0), "
            u"sum(CASE WHEN prev = 0 AND now > 0 AND cohort >= 0 THEN now ELSE 0 END), "
            u"sum(prev = 0 AND now > 0 AND cohort >= 0) FROM customer_now WHERE 1%1 GROUP BY "
            u"currency"_s.arg(range.currency.isEmpty() ? QString() : u" AND currency = ?1"_s));
        if (!range.currency.isEmpty())
            c.bind(1, range.currency.toLower());
        while (c.step()) {
            MrrMonth &r = current[c.text(0)];
            qint64 *fields[] = {&r.startMrr,         &r.mrr,          &r.startCustomers,
                                &r.customers,        &r.newMrr,       &r.newCustomers,
                                &r.expansion,        &r.contraction,  &r.churn,
                                &r.churnedCustomers, &r.reactivation, &r.reactivatedCustomers};
            for (int i = 0; i < 12; ++i)
                *fields[i] = c.int64(1 + i);
        }
        c = db.prepare(u"SELECT currency, CASE WHEN cohort >= 0 THEN cohort ELSE ?1 END, "
                       u"count(*), sum(now) FROM customer_now WHERE now > 0%1 GROUP BY 1, 2"_s.arg(
                           range.currency.isEmpty() ? QString() : u" AND currency = ?2"_s));
        c.bind(1, qint64(nowMonth));
        if (!range.currency.isEmpty())
            c.bind(2, range.currency.toLower());
        while (c.step())
            currentCells[{c.text(0), int(c.int64(1))}] = {c.int64(2), c.int64(3)};
    } else if (toMonth >= nowMonth) {
        // Not folded for this month or instant: customer by customer, joined in SQL — who
        // paid before this month (their cohort and series, whose value at nowMonth − 1 is
        // their MRR when it began) and what their subscriptions are worth now (?1).
        sql::Statement c = db.prepare(
            QStringLiteral("WITH n AS (SELECT currency, customer, sum(%1) AS now FROM sub_mrr "
                           "WHERE 1%2 GROUP BY currency, customer) "
                           "SELECT c.currency, c.first, c.series, coalesce(n.now, 0) FROM "
                           "customer_mrr c LEFT JOIN n ON n.customer = c.customer AND n.currency "
                           "= c.currency WHERE c.first <= ?2%3 UNION ALL SELECT n.currency, -1, "
                           "'', n.now FROM n WHERE NOT EXISTS (SELECT 1 FROM customer_mrr c "
                           "WHERE c.customer = n.customer AND c.currency = n.currency AND "
                           "c.first <= ?2)")
                .arg(QLatin1String(kSubMrrAt), cur,
                     range.currency.isEmpty() ? QString() : u" AND c.currency = ?3"_s));
        c.bind(1, now);
        c.bind(2, qint64(nowMonth - 1));
        if (!range.currency.isEmpty())
            c.bind(3, range.currency.toLower());
        while (c.step()) {
            const int cohort = c.int64(1) >= 0 ? int(c.int64(1)) : -1;
            const qint64 prev = cohort >= 0 ? seriesValue(c.text(2), nowMonth - 1 - cohort) : 0;
            const qint64 value = c.int64(3);
            if (prev == 0 && value == 0)
                continue; // Gone before this month, and not back: nothing to count.
            const QString currency = c.text(0);
            classify(current[currency], prev, value, cohort >= 0);
            if (value > 0) {
                std::pair<qint64, qint64> &cell
                    = currentCells[{currency, cohort >= 0 ? cohort : nowMonth}];
                cell.first += 1;
                cell.second += value;
            }
        }
    }
    for (auto it = current.cbegin(); it != current.cend(); ++it)
        if (it->customers > 0)
            paying.insert(it.key());
    {
        sql::Statement s = query("SELECT currency FROM mrr_months WHERE month >= ?1 AND month <= "
                                 "?2%1 GROUP BY currency HAVING max(customers) > 0",
                                 0, lastBilled);
        while (s.step())
            paying.insert(s.text(0));
    }
    QStringList currencyNames = paying.values();
    currencyNames.sort();
    MrrHistory out;
    // Every currency anybody ever paid in, for every month of the range (zeros included).
    QMap<std::pair<int, QString>, MrrMonth> by;
    for (int m = fromMonth; m <= toMonth; ++m)
        for (const QString &c : std::as_const(currencyNames)) {
            MrrMonth &r = by[{m, c}];
            r.bucket = bucket(m);
            r.currency = c;
        }
    sql::Statement s
        = query("SELECT currency, month, start_mrr, mrr, start_customers, customers, new_mrr, "
                "new_customers, expansion, contraction, churn, churned_customers, reactivation, "
                "reactivated_customers FROM mrr_months WHERE month >= ?1 AND month <= ?2%1",
                fromMonth, lastBilled);
    while (s.step()) {
        auto it = by.find({int(s.int64(1)), s.text(0)});
        if (it == by.end())
            continue;
        MrrMonth &r = it.value();
        r.startMrr = s.int64(2);
        r.mrr = s.int64(3);
        r.startCustomers = s.int64(4);
        r.customers = s.int64(5);
        r.newMrr = s.int64(6);
        r.newCustomers = s.int64(7);
        r.expansion = s.int64(8);
        r.contraction = s.int64(9);
        r.churn = s.int64(10);
        r.churnedCustomers = s.int64(11);
        r.reactivation = s.int64(12);
        r.reactivatedCustomers = s.int64(13);
    }
    // Cohort cells (currency, cohort, month) → customers paying, their MRR.
    QMap<std::tuple<QString, int, int>, std::pair<qint64, qint64>> cells;
    s = query("SELECT currency, cohort, month, paying, mrr FROM mrr_cohorts WHERE cohort >= ?1 "
              "AND month <= ?2%1",
              fromMonth, lastBilled);
    while (s.step())
        cells[{s.text(0), int(s.int64(1)), int(s.int64(2))}] = {s.int64(3), s.int64(4)};
    for (auto it = current.cbegin(); it != current.cend(); ++it) {
        // Later months (a range past this one) stay as this one ends: nothing moves them.
        MrrMonth steady;
        steady.startMrr = steady.mrr = it->mrr;
        steady.startCustomers = steady.customers = it->customers;
        for (int m = std::max(fromMonth, nowMonth); m <= toMonth; ++m) {
            auto row = by.find({m, it.key()});
            if (row == by.end())
                continue;
            const MrrMonth &from = m == nowMonth ? it.value() : steady;
            MrrMonth &r = row.value();
            qint64 *to[] = {&r.startMrr,         &r.mrr,          &r.startCustomers,
                            &r.customers,        &r.newMrr,       &r.newCustomers,
                            &r.expansion,        &r.contraction,  &r.churn,
                            &r.churnedCustomers, &r.reactivation, &r.reactivatedCustomers};
            const qint64 values[]
                = {from.startMrr,         from.mrr,          from.startCustomers,
                   from.customers,        from.newMrr,       from.newCustomers,
                   from.expansion,        from.contraction,  from.churn,
                   from.churnedCustomers, from.reactivation, from.reactivatedCustomers};
            for (int i = 0; i < 12; ++i)
                *to[i] = values[i];
        }
    }
    for (auto it = currentCells.cbegin(); it != currentCells.cend(); ++it)
        if (it.key().second >= fromMonth)
            for (int m = nowMonth; m <= toMonth; ++m)
                cells[{it.key().first, it.key().second, m}] = it.value();
    out.months = by.values();
    for (auto it = cells.cbegin(); it != cells.cend(); ++it) {
        const auto &[currency, cohort, month] = it.key();
        if (it.value().first == 0)
            continue;
        if (out.cohorts.isEmpty() || out.cohorts.last().currency != currency
            || out.cohorts.last().cohort != bucket(cohort)) {
            CohortRow c;
            c.cohort = bucket(cohort);
            c.currency = currency;
            c.paying = QList<qint64>(toMonth - cohort + 1, 0);
            c.mrr = QList<qint64>(toMonth - cohort + 1, 0);
            out.cohorts.append(c);
        }
        CohortRow &c = out.cohorts.last();
        const qsizetype j = qsizetype(month - cohort);
        c.paying[j] = it.value().first;
        c.mrr[j] = it.value().second;
        if (j == 0) {
            c.customers = it.value().first;
            c.startMrr = it.value().second;
        }
    }
    return out;
}

} // namespace paydesk::models::analytics
