#include "sandbox/payouts.h"

#include "sandbox/formparams.h"
#include "sandbox/objects.h"
#include "sandbox/sandboxinternal.h"
#include "sandbox/stripesandbox.h"

#include <QJsonArray>
#include <QJsonDocument>

#define L(s) QStringLiteral(s)

namespace paydesk::sandbox {

using namespace detail;

namespace {

constexpr qint64 kDay = 86400;

QJsonObject payoutObject(const QString &id, qint64 created, qint64 amount, const QString &txn,
                         const QString &destination)
{
    return {{L("id"), id},
            {L("object"), L("payout")},
            {L("amount"), amount},
            // Standard payouts arrive the next day.
            {L("arrival_date"), created + kDay},
            {L("automatic"), true},
            {L("balance_transaction"), txn},
            {L("created"), created},
            {L("currency"), L("usd")},
            {L("description"), L("STRIPE PAYOUT")},
            {L("destination"), destination.isEmpty() ? QJsonValue() : QJsonValue(destination)},
            {L("failure_balance_transaction"), QJsonValue()},
            {L("failure_code"), QJsonValue()},
            {L("failure_message"), QJsonValue()},
            {L("livemode"), false},
            {L("metadata"), QJsonObject()},
            {L("method"), L("standard")},
            {L("original_payout"), QJsonValue()},
            {L("reconciliation_status"), L("completed")},
            {L("reversed_by"), QJsonValue()},
            {L("source_type"), L("card")},
            {L("statement_descriptor"), QJsonValue()},
            {L("status"), L("in_transit")},
            {L("type"), L("bank_account")}};
}

} // namespace

QJsonObject demoBankAccount(const QString &id)
{
    return {{L("id"), id},
            {L("object"), L("bank_account")},
            {L("account_holder_name"), L("Northwind Coffee Roasters LLC")},
            {L("account_holder_type"), L("company")},
            {L("account_type"), QJsonValue()},
            {L("bank_name"), L("STRIPE TEST BANK")},
            {L("country"), L("US")},
            {L("currency"), L("usd")},
            {L("customer"), QJsonValue()},
            {L("fingerprint"), L("nWcRb2Xy7PqLm4Tz")},
            {L("last4"), L("6789")},
            {L("metadata"), QJsonObject()},
            {L("routing_number"), L("110000000")},
            {L("status"), L("new")}};
}

void runPayoutSchedule(Store &store, IdGenerator &ids, qint64 now, const PayoutAnnounce &announce,
                       qint64 failDay)
{
    Store::PayoutBook &book = store.payoutBook;
    if (book.lastDay < 0)
        return; // Off (a fixture's objects).
    const qint64 today = now / kDay;
    if (book.lastDay == 0) {
        if (book.netByDay.empty())
            return;
        book.lastDay = book.netByDay.begin()->first - 1;
        book.lastCut = book.lastDay * kDay;
    }
    if (book.lastDay >= today)
        return; // Run before every request: nothing to do until the next midnight.
    QString destination;
    store.bankAccounts.forEach([&](const Collection::Entry &e) {
        if (destination.isEmpty())
            destination = QString::fromLatin1(e.id);
    });
    for (qint64 d = book.lastDay + 1; d <= today; ++d) {
        book.lastDay = d;
        const auto bucket = book.netByDay.find(d);
        if (bucket != book.netByDay.end())
            book.carry += bucket->second;
        // Nothing is paid out of a balance that is zero or negative (disputes can make it so):
        // it is carried to the next day, whose payout then covers both.
        if (book.carry <= 0)
            continue;
        const qint64 created = d * kDay;
        const qint64 amount = book.carry;
        const QString id = ids.next("po");
        const QString txn = ids.next("txn");
        store.addBalanceTransaction(balanceTransactionJson(txn, created, id, L("payout"), -amount,
                                                           0, L("usd"), 0.0, L("STRIPE PAYOUT")),
                                    txn.toLatin1(), created, QByteArrayLiteral("payout"), -amount,
                                    announce.generating);
        book.windows.insert(id.toLatin1(), {book.lastCut, created, txn.toLatin1()});
        book.lastCut = created;
        book.carry = 0;
        QJsonObject payout = payoutObject(id, created, amount, txn, destination);
        const qint64 arrival = created + kDay;
        announce.event(L("payout.created"), payout, created);
        if (arrival > now) {
            book.inTransit.insert(id.toLatin1(), arrival);
        } else if (d == failDay) {
            // The bank refused it: the funds come back to the balance at arrival and go out with
            // a later payout.
            const QString back = ids.next("txn");
            store.addBalanceTransaction(
                balanceTransactionJson(back, arrival, id, L("payout_failure"), amount, 0, L("usd"),
                                       0.0, L("STRIPE PAYOUT FAILURE")),
                back.toLatin1(), arrival, QByteArrayLiteral("payout_failure"), amount,
                announce.generating);
            payout.insert(L("status"), L("failed"));
            payout.insert(L("failure_balance_transaction"), back);
            payout.insert(L("failure_code"), L("account_closed"));
            payout.insert(L("failure_message"), L("The bank account has been closed."));
            announce.event(L("payout.failed"), payout, arrival);
        } else {
            payout.insert(L("status"), L("paid"));
            announce.event(L("payout.paid"), payout, arrival);
        }
        if (announce.generating)
            store.payouts.appendUnsorted(payout, destination.toLatin1(),
                                         payout.value(L("status")).toString().toLatin1());
        else
            store.payouts.insert(payout, destination.toLatin1(),
                                 payout.value(L("status")).toString().toLatin1());
    }
}

qint64 availableBalance(const Store &store, qint64 now, qint64 *pending)
{
    const Store::PayoutBook &book = store.payoutBook;
    const qint64 current = Store::payoutDayOf(now);
    qint64 available = book.paidOut;
    qint64 later = 0;
    for (const auto &[day, net] : book.netByDay) {
        if (day < current)
            available += net;
        else if (day > current)
            later += net;
    }
    // The day under way: what has become available by now, transaction by transaction.
    if (book.netByDay.count(current)) {
        store.balanceTransactions.forEachCreated(
            (current - 1) * kDay + 1 - Store::kAvailableAfter,
            current * kDay - Store::kAvailableAfter + 1, [&](const Collection::Entry &e) {
                if (e.key == "payout")
                    return;
                const QJsonObject o = QJsonDocument::fromJson(e.json()).object();
                (o.value(L("available_on")).toInteger() <= now ? available : later)
                    += o.value(L("net")).toInteger();
            });
    }
    if (pending)
        *pending = later;
    return available;
}

void StripeSandbox::payoutRoutes(QList<Route> &r)
{
    r << endpoint("GET", "/v1/payouts", [](StripeSandbox &sb, const Call &c) {
        const QByteArray status = c.params.value(L("status")).toLatin1();
        const QByteArray destination = c.params.value(L("destination")).toLatin1();
        std::optional<qint64> gt, gte, lt, lte;
        const QJsonValue arrival = c.params.tree().value(L("arrival_date"));
        auto bad = [](const QString &v, const QString &param) {
            return error(400, kInvalidRequest, L("Invalid integer: %1").arg(v),
                         L("parameter_invalid_integer"), param);
        };
        if (arrival.isString()) {
            gte = lte = parseInteger(arrival.toString());
            if (!gte)
                return bad(arrival.toString(), L("arrival_date"));
        } else if (arrival.isObject()) {
            const QJsonObject range = arrival.toObject();
            for (auto it = range.begin(); it != range.end(); ++it) {
                const auto v = parseInteger(it.value().toString());
                const QString param = L("arrival_date[%1]").arg(it.key());
                if (!v)
                    return bad(it.value().toString(), param);
                if (it.key() == QLatin1String("gt"))
                    gt = v;
                else if (it.key() == QLatin1String("gte"))
                    gte = v;
                else if (it.key() == QLatin1String("lt"))
                    lt = v;
                else if (it.key() == QLatin1String("lte"))
                    lte = v;
                else
                    return error(400, kInvalidRequest,
                                 L("Received unknown parameter: %1").arg(param), {}, param);
            }
        }
        static const QStringList kStatuses
            = {L("paid"), L("pending"), L("in_transit"), L("canceled"), L("failed")};
        if (!status.isEmpty() && !kStatuses.contains(QString::fromLatin1(status)))
            return error(400, kInvalidRequest,
                         L("Invalid status: must be one of canceled, failed, in_transit, paid, "
                           "or pending"),
                         L("parameter_invalid_string"), L("status"));
        std::function<bool(const Collection::Entry &)> filter;
        if (!status.isEmpty() || !destination.isEmpty() || gt || gte || lt || lte)
            filter = [=](const Collection::Entry &e) {
                if (!status.isEmpty() && e.key != status)
                    return false;
                if (!destination.isEmpty() && e.owner != destination)
                    return false;
                if (!gt && !gte && !lt && !lte)
                    return true;
                // Standard payouts arrive the day after they are made.
                const qint64 a = QJsonDocument::fromJson(e.json())
                                     .object()
                                     .value(L("arrival_date"))
                                     .toInteger();
                return (!gt || a > *gt) && (!gte || a >= *gte) && (!lt || a < *lt)
                    && (!lte || a <= *lte);
            };
        return sb.list(sb.m_store.payouts, c.url(), c.params, filter);
    });
    r << retrieveRoute("/v1/payouts/:id", &Store::payouts);
    r << endpoint("GET", "/v1/balance",
                  [](StripeSandbox &sb, const Call &) { return sb.balance(); });
    r << endpoint("GET", "/v1/balance_transactions", [](StripeSandbox &sb, const Call &c) {
        const QByteArray type = c.params.value(L("type")).toLatin1();
        const QByteArray source = c.params.value(L("source")).toLatin1();
        const QByteArray needle = QByteArray("\"source\":\"") + source + '"';
        const QByteArray payout = c.params.value(L("payout")).toLatin1();
        std::optional<Store::PayoutWindow> window;
        if (!payout.isEmpty()) {
            if (!sb.m_store.payouts.contains(payout))
                return missing(L("payout"), QString::fromLatin1(payout), L("payout"));
            window = sb.m_store.payoutBook.windows.value(payout);
        }
        std::function<bool(const Collection::Entry &)> filter;
        if (!type.isEmpty() || !source.isEmpty() || window)
            filter = [=](const Collection::Entry &e) {
                if (!type.isEmpty() && e.key != type)
                    return false;
                if (!source.isEmpty() && !e.json().contains(needle))
                    return false;
                if (!window)
                    return true;
                // What a payout paid out: every transaction available in its window, and its
                // own transaction.
                if (e.key == "payout")
                    return e.id == window->txn;
                const qint64 availableOn = e.created + Store::kAvailableAfter;
                return availableOn > window->from && availableOn <= window->to;
            };
        return sb.list(sb.m_store.balanceTransactions, c.url(), c.params, filter);
    });
    r << retrieveRoute("/v1/balance_transactions/:id", &Store::balanceTransactions);
}

void StripeSandbox::payOutDue()
{
    const qint64 t = now();
    PayoutAnnounce announce;
    announce.event = [this](const QString &type, const QJsonObject &payout, qint64) {
        emitEvent(type, payout);
    };
    runPayoutSchedule(m_store, m_ids, t, announce, 0);
    // Payouts in transit arrive (the day after they were made).
    for (auto it = m_store.payoutBook.inTransit.begin();
         it != m_store.payoutBook.inTransit.end();) {
        if (it.value() > t) {
            ++it;
            continue;
        }
        if (const auto payout = m_store.payouts.get(it.key())) {
            QJsonObject paid = *payout;
            paid.insert(L("status"), L("paid"));
            m_store.payouts.replace(paid, QByteArrayLiteral("paid"));
            emitEvent(L("payout.paid"), paid, changedFields(*payout, paid));
        }
        it = m_store.payoutBook.inTransit.erase(it);
    }
}

StripeSandbox::Reply StripeSandbox::balance()
{
    qint64 pending = 0;
    const qint64 available = availableBalance(m_store, now(), &pending);
    auto amounts = [](qint64 amount) {
        return QJsonArray {QJsonObject {{L("amount"), amount},
                                        {L("currency"), L("usd")},
                                        {L("source_types"), QJsonObject {{L("card"), amount}}}}};
    };
    return {200,
            QJsonObject {{L("object"), L("balance")},
                         {L("available"), amounts(available)},
                         {L("connect_reserved"),
                          QJsonArray {QJsonObject {{L("amount"), 0}, {L("currency"), L("usd")}}}},
                         // Instant Payouts can send what is available now, to a debit card.
                         {L("instant_available"), amounts(std::max<qint64>(0, available))},
                         {L("livemode"), false},
                         {L("pending"), amounts(pending)}},
            {}};
}

} // namespace paydesk::sandbox
