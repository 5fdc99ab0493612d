#include "models/rollups/normalise.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace paydesk::models::rollups {

namespace {

// An interval's value per month as a fraction: `perMonth` ÷ (`per` × count). An interval not
// listed counts as a month.
struct Interval
{
    const char *name;
    qint64 perMonth;
    qint64 per;
};
constexpr Interval kIntervals[] = {{"day", 365, 12}, {"week", 52, 12}, {"year", 1, 12}};

const Interval *find(const QString &interval)
{
    for (const Interval &i : kIntervals)
        if (interval == QLatin1String(i.name))
            return &i;
    return nullptr;
}

} // namespace

qint64 divideHalfUp(qint64 numerator, qint64 denominator)
{
    if (denominator == 0)
        return 0;
    const bool negative = (numerator < 0) != (denominator < 0);
    const qint64 n = numerator < 0 ? -numerator : numerator;
    const qint64 d = denominator < 0 ? -denominator : denominator;
    const qint64 q = (n / d) + ((n % d) * 2 >= d ? 1 : 0);
    return negative ? -q : q;
}

qint64 monthlyAmount(qint64 unitAmount, qint64 quantity, const QString &interval,
                     qint64 intervalCount)
{
    const qint64 count = std::max<qint64>(1, intervalCount);
    const Interval *i = find(interval);
    return divideHalfUp(unitAmount * quantity * (i ? i->perMonth : 1), (i ? i->per : 1) * count);
}

QString monthlyAmountSql(const QString &amount, const QString &interval, const QString &count)
{
    QString perMonth = u"(CASE %1"_s.arg(interval), per = u"(CASE %1"_s.arg(interval);
    for (const Interval &i : kIntervals) {
        perMonth += u" WHEN '%1' THEN %2"_s.arg(QLatin1String(i.name)).arg(i.perMonth);
        per += u" WHEN '%1' THEN %2"_s.arg(QLatin1String(i.name)).arg(i.per);
    }
    perMonth += u" ELSE 1 END)"_s;
    per += u" ELSE 1 END * %1)"_s.arg(count);
    // Half up for a positive amount: (2x + y) ÷ 2y in integers.
    return u"((%1 * %2 * 2 + %3) / (2 * %3))"_s.arg(amount, perMonth, per);
}

} // namespace paydesk::models::rollups
