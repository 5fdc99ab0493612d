#include "app/payoutreport.h"

#include "app/commandline.h"
#include "app/exportcommand.h"
#include "models/csv.h"
#include "models/daterange.h"
#include "models/money.h"
#include "models/payouts/payoutlinks.h"
#include "models/payouts/reconciliation.h"
#include "models/store/cache.h"
#include "network/stripeclient.h"

#include <QDateTime>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimeZone>

#include <unistd.h>

namespace paydesk::app {

namespace {

using namespace Qt::StringLiterals;
namespace dates = models::dates;
namespace payouts = models::payouts;

int usage(const QString &message)
{
    return commandError(u"report"_s, message, ExitUsage);
}

int failure(const QString &message)
{
    return commandError(u"report"_s, message, ExitFailure);
}

QString day(qint64 t, const QTimeZone &zone)
{
    return QDateTime::fromSecsSinceEpoch(t, zone).date().toString(Qt::ISODate);
}

QJsonObject groupJson(const payouts::Group &g)
{
    return {{u"transactions"_s, g.count},
            {u"gross"_s, g.gross},
            {u"fees"_s, g.fees},
            {u"net"_s, g.net}};
}

} // namespace

int runPayoutReport(const QCommandLineParser &parser)
{
    if (parser.positionalArguments().size() > 1)
        return usage(u"report payouts takes no other argument"_s);
    for (const char *other : {"interval", "currency", "at", "history", "summary"})
        if (parser.isSet(QString::fromLatin1(other)))
            return usage(u"--%1 is not an option of report payouts"_s.arg(QLatin1String(other)));
    const QString format = parser.isSet(u"format"_s) ? parser.value(u"format"_s) : u"csv"_s;
    if (format != "csv"_L1 && format != "json"_L1)
        return usage(u"--format must be csv or json"_s);
    QTimeZone zone = dates::reportingZone();
    if (parser.isSet(u"time-zone"_s)) {
        zone = QTimeZone(parser.value(u"time-zone"_s).toUtf8());
        if (!zone.isValid())
            return usage(u"--time-zone must be an IANA time zone such as Europe/Berlin or UTC"_s);
    }
    // Default: the payouts arriving in the last 30 days, today included.
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const dates::Span last = dates::lastDays(30, now, zone);
    qint64 from = last.from, to = last.to;
    if (parser.isSet(u"from"_s)) {
        const QDate d = dates::parseDay(parser.value(u"from"_s));
        if (!d.isValid())
            return usage(u"--from must be a date like 2026-11-01"_s);
        from = dates::startOf(d, zone);
    }
    if (parser.isSet(u"to"_s)) {
        const QDate d = dates::parseDay(parser.value(u"to"_s));
        if (!d.isValid())
            return usage(u"--to must be a date like 2026-11-30"_s);
        to = dates::days(d, d, zone).to;
    }
    if (from >= to)
        return usage(u"--from must not be after --to"_s);

    QString error;
    const QString path = existingCache(parser, &error);
    if (path.isEmpty())
        return failure(error);
    models::Cache cache;
    if (!cache.open(path, &error))
        return failure(u"cannot open the cache %1: %2"_s.arg(path, error));
    const QStringList ids = payouts::payoutsArriving(cache.database(), from, to);

    // What the cache does not know yet is read from Stripe, one payout after the other.
    const QStringList missing = payouts::unlinked(cache.database(), ids);
    if (!missing.isEmpty()) {
        const QByteArray key = qgetenv("STRIPE_API_KEY");
        if (key.isEmpty())
            return failure(
                u"the transactions of %1 of the %2 payouts are not in the cache yet "
                "(%3%4); set STRIPE_API_KEY to read them from Stripe"_s.arg(missing.size())
                    .arg(ids.size())
                    .arg(missing.mid(0, 3).join(u", "_s),
                         missing.size() > 3 ? u", …"_s : QString()));
        QString problem;
        const auto client = commandLineClient(parser, key, &problem);
        if (!client)
            return usage(problem);
        QEventLoop loop;
        bool ok = false;
        QString linkError;
        QObject context;
        models::linkPayouts(
            client.get(), &cache, missing, &context,
            [](int done, int total) {
                // A progress line on a terminal; one line at the end in a log.
                if (!isatty(2) && done < total)
                    return;
                stderrStream() << "\rreading the transactions of the payouts: " << done << " / "
                               << total;
                stderrStream().flush();
            },
            [&](bool success, const QString &message) {
                ok = success;
                linkError = message;
                loop.quit();
            });
        loop.exec();
        stderrStream() << '\n';
        stderrStream().flush();
        if (!ok)
            return failure(linkError);
    }

    const bool lines = parser.isSet(u"lines"_s);
    if (lines && format == "json"_L1)
        return usage(u"--lines is a CSV of every transaction; leave out --format json"_s);
    QStringList off;
    QString csv = models::csv::row({u"payout"_s, u"created"_s, u"arrival_date"_s, u"status"_s,
                                    u"currency"_s, u"group"_s, u"transactions"_s, u"gross"_s,
                                    u"fees"_s, u"net"_s, u"payout_amount"_s, u"adds_up"_s})
        + u"\r\n"_s;
    QJsonArray rows;
    for (const QString &id : ids) {
        const payouts::Reconciliation r = payouts::reconcile(cache.database(), id, false);
        if (!r.addsUp())
            off.append(id);
        auto money = [&r](qint64 v) {
            return models::Money(v, r.currency).toDecimalString();
        };
        QList<payouts::Group> groups = r.groups;
        groups.append(r.total);
        for (const payouts::Group &g : groups)
            csv += models::csv::row({id, day(r.created, zone), day(r.arrival, zone), r.status,
                                     r.currency.toUpper(), g.key, QString::number(g.count),
                                     money(g.gross), money(g.fees), money(g.net), money(r.amount),
                                     r.addsUp() ? u"yes"_s : u"no"_s})
                + u"\r\n"_s;
        QJsonObject byGroup;
        for (const payouts::Group &g : r.groups)
            byGroup.insert(g.key, groupJson(g));
        rows.append(QJsonObject {{u"id"_s, id},
                                 {u"created"_s, r.created},
                                 {u"arrival_date"_s, r.arrival},
                                 {u"status"_s, r.status},
                                 {u"currency"_s, r.currency},
                                 {u"amount"_s, r.amount},
                                 {u"groups"_s, byGroup},
                                 {u"total"_s, groupJson(r.total)},
                                 {u"adds_up"_s, r.addsUp()},
                                 {u"difference"_s, r.difference()}});
    }
    if (lines) {
        // Every transaction of every payout, then its groups and total (the payout detail's
        // export): one header for the whole range.
        csv.clear();
        for (const QString &id : ids) {
            QString one = payouts::toCsv(payouts::reconcile(cache.database(), id, true));
            if (!csv.isEmpty())
                one = one.mid(one.indexOf(u'\n') + 1);
            csv += one;
        }
    }
    if (format == "json"_L1)
        stdoutStream() << QString::fromUtf8(QJsonDocument(QJsonObject {{u"report"_s, u"payouts"_s},
                                                                       {u"from"_s, from},
                                                                       {u"to"_s, to},
                                                                       {u"payouts"_s, rows}})
                                                .toJson(QJsonDocument::Indented));
    else
        stdoutStream() << csv;
    stdoutStream().flush();
    if (!off.isEmpty())
        return failure(u"%1 of the %2 payouts do not add up to their amount: %3"_s.arg(off.size())
                           .arg(ids.size())
                           .arg(off.join(u", "_s)));
    return ExitOk;
}

} // namespace paydesk::app
