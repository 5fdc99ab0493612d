#include "app/staffcommand.h"

#include "app/commandline.h"
#include "models/actions/disputeform.h"
#include "models/actions/invoiceplan.h"
#include "models/actions/outbox.h"
#include "models/actions/staffactions.h"
#include "models/currency.h"
#include "models/money.h"
#include "models/store/account.h"
#include "models/store/cache.h"
#include "network/stripeclient.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTextStream>
#include <QUrl>

#include <algorithm>
#include <array>
#include <functional>
#include <memory>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace paydesk::app {

namespace {

using models::OutboxAction;
using models::OutboxEntry;

/*
 * One staff command's run: client, cache and outbox, the resend of interrupted actions, then
 * the command's own action. Steps chain through callbacks of the one event loop.
 */
class StaffRun final : public QObject
{
public:
    StaffRun(const QString &command, const QCommandLineParser &parser)
        : m_command(command)
        , m_parser(parser)
    { }

    // Returns an exit code to stop with now, or -1 to go on.
    int setUp()
    {
        m_key = qgetenv("STRIPE_API_KEY");
        if (m_key.isEmpty())
            return usage(u"no API key: set STRIPE_API_KEY"_s);
        m_livemode = models::isLiveKey(m_key);
        QString problem;
        m_client = commandLineClient(m_parser, m_key, &problem);
        if (!m_client)
            return usage(problem);
        m_userKey = m_parser.value(u"idempotency-key"_s);
        if (m_parser.isSet(u"idempotency-key"_s)) {
            static const QRegularExpression printable(QStringLiteral("^[\\x21-\\x7e]{1,255}$"));
            if (!printable.match(m_userKey).hasMatch())
                return usage(u"--idempotency-key must be 1 to 255 printable ASCII characters "
                             u"without spaces"_s);
            if (m_parser.isSet(u"again"_s))
                return usage(u"--again makes a new action; it cannot reuse --idempotency-key"_s);
        }
        return -1;
    }

    // Before acting: an action asked for with a key that was used already, or the same intent
    // done through this cache within the last 24 hours, is not done again. Returns true when
    // that was the case (the earlier outcome is reported). `latestOnly`: for actions that
    // toggle a state (cancel, resume), only the object's latest successful action counts.
    bool alreadyDone(const QString &intent, const QString &objectId = {}, bool latestOnly = false)
    {
        m_intent = intent;
        if (!m_userKey.isEmpty()) {
            const OutboxEntry e = m_outbox->byKey(m_userKey);
            if (e.id == 0)
                return false;
            if (e.intent != intent) {
                fail(u"the idempotency key %1 was used for another action (%2); nothing was sent"_s
                         .arg(m_userKey,
                              e.intent.isEmpty() ? e.action + u' ' + e.objectId : e.intent),
                     ExitUsage);
                return true;
            }
            if (e.stateValue() == models::OutboxState::Succeeded)
                reportEarlier(e);
            else
                report(e.id); // Failed: the same refusal; pending: resent just now.
            return true;
        }
        if (m_parser.isSet(u"again"_s))
            return false;
        const qint64 since = QDateTime::currentSecsSinceEpoch() - 24 * 3600;
        const OutboxEntry e
            = m_outbox->lastSucceeded(latestOnly ? QString() : intent, objectId, since);
        if (e.id == 0 || e.intent != intent)
            return false;
        reportEarlier(e);
        return true;
    }

    // The earlier success of the same action: its object again, and when it was done.
    void reportEarlier(const OutboxEntry &e)
    {
        // Finished just now by the resend of what an interrupted run left.
        for (auto it = m_resumed.cbegin(); it != m_resumed.cend(); ++it)
            if (it.value() == e.id)
                return report(e.id, u" by the interrupted earlier run; nothing new was sent"_s);
        stdoutStream() << e.response << Qt::endl;
        const QString id = QJsonDocument::fromJson(e.response).object().value(u"id"_s).toString();
        info(u"already done at %1: %2 (idempotency key %3%4). Nothing was sent; add --again to "
             u"do it once more."_s.arg(
                 QDateTime::fromSecsSinceEpoch(e.updatedAt)
                     .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")),
                 id.isEmpty() ? e.action + u' ' + e.objectId : id, e.idempotencyKey,
                 e.requestId.isEmpty() ? QString() : u", Request-Id "_s + e.requestId));
        QCoreApplication::exit(ExitOk);
    }

    int usage(const QString &message) { return commandError(m_command, message, ExitUsage); }
    void fail(const QString &message, int code = ExitFailure)
    {
        QCoreApplication::exit(commandError(m_command, message, code));
    }
    void info(const QString &message)
    {
        stderrStream() << message << '\n';
        stderrStream().flush();
    }

    void get(const QString &path, std::function<void(const network::StripeResponse &)> then)
    {
        network::StripeRequest request;
        request.path = path;
        m_client->send(request, this, std::move(then));
    }
    // A read with parameters (a preview): sent as it is, never through the outbox.
    void read(const network::StripeRequest &request,
              std::function<void(const network::StripeResponse &)> then)
    {
        m_client->send(request, this, std::move(then));
    }

    // Opens the cache (--cache, or the account's default one) and resends what earlier runs
    // left unfinished; then `then` runs.
    void openAndResume(std::function<void()> then)
    {
        auto open = [this, then](const QString &path) {
            QString error;
            if (!m_cache.open(path, &error))
                return fail(u"cannot open the cache %1: %2"_s.arg(path, error));
            m_outbox = std::make_unique<models::Outbox>(&m_cache, m_client.get());
            m_outbox->setProfile(m_parser.isSet(u"profile"_s) ? m_parser.value(u"profile"_s)
                                                              : u"default"_s,
                                 m_livemode);
            const QList<OutboxEntry> left = m_outbox->entries(models::OutboxState::Pending)
                + m_outbox->entries(models::OutboxState::Sent);
            if (left.isEmpty())
                return then();
            for (const OutboxEntry &e : left) {
                m_resumed.insert(e.action + u'\n' + e.objectId, e.id);
                info(u"resending %1 %2, left unanswered by an earlier run, with its idempotency "
                     u"key %3"_s.arg(e.action, e.objectId.isEmpty() ? u"(new)"_s : e.objectId,
                                     e.idempotencyKey));
            }
            connect(
                m_outbox.get(), &models::Outbox::idle, this,
                [this, then] {
                    disconnect(m_outbox.get(), &models::Outbox::idle, this, nullptr);
                    then();
                },
                Qt::QueuedConnection);
            m_outbox->sendPending();
        };
        if (m_parser.isSet(u"cache"_s))
            return open(m_parser.value(u"cache"_s));
        models::resolveAccount(
            m_client.get(), this,
            [this, open](const models::Account &account, const network::StripeError &error) {
                if (account.id.isEmpty())
                    return fail(models::staffactions::readError(error).message);
                open(account.cachePath());
            });
    }

    // The entry an interrupted run left for this action, now finished by openAndResume().
    qint64 resumed(const QString &action, const QString &objectId) const
    {
        return m_resumed.value(action + u'\n' + objectId, -1);
    }

    // Live mode: the user confirms what will happen, naming the amount and the customer.
    bool confirmLive(const QString &what)
    {
        if (!m_livemode || m_parser.isSet(u"yes"_s))
            return true;
        if (!::isatty(STDIN_FILENO)) {
            info(u"paydesk %1: LIVE mode: %2. Nothing was sent; add --yes to confirm."_s.arg(
                m_command, what));
            return false;
        }
        stderrStream() << "LIVE mode: " << what << ". Type yes to confirm: ";
        stderrStream().flush();
        QTextStream in(stdin);
        return in.readLine().trimmed() == QLatin1String("yes");
    }

    // Reports the outcome of an entry that has a definite answer (or has none yet).
    void report(qint64 id, const QString &note = {})
    {
        const OutboxEntry e = m_outbox->entry(id);
        if (e.stateValue() == models::OutboxState::Succeeded) {
            stdoutStream() << e.response << Qt::endl;
            info(u"%1 %2: done%3 (idempotency key %4%5)"_s.arg(
                e.action, e.objectId, note, e.idempotencyKey,
                e.requestId.isEmpty() ? QString() : u", Request-Id "_s + e.requestId));
            // The refunded charge is fetched again before the process ends.
            if (m_outbox->busy()) {
                connect(m_outbox.get(), &models::Outbox::refreshed, this,
                        [] { QCoreApplication::exit(ExitOk); });
                return;
            }
            QCoreApplication::exit(ExitOk);
        } else if (e.stateValue() == models::OutboxState::Failed) {
            const models::StaffError err = models::staffactions::readError(e);
            fail(u"Stripe refused it: %1%2"_s.arg(
                err.message,
                err.requestId.isEmpty() ? QString() : u" (Request-Id %1)"_s.arg(err.requestId)));
        } else {
            fail(u"Stripe's answer did not arrive (%1). The action is kept in the outbox of %2 "
                 u"with idempotency key %3; run the command again to send it again: it cannot "
                 u"happen twice."_s.arg(e.error.isEmpty() ? u"no answer"_s : e.error,
                                        m_cache.path(), e.idempotencyKey));
        }
    }

    // Commits the action, sends it and reports.
    void enqueueAndSend(OutboxAction action)
    {
        QString error;
        action.intent = m_intent;
        action.idempotencyKey = m_userKey;
        const qint64 id = m_outbox->enqueue(action, &error);
        if (id < 0)
            return fail(
                u"could not store the action in the cache (%1); nothing was sent"_s.arg(error));
        connect(
            m_outbox.get(), &models::Outbox::idle, this, [this, id] { report(id); },
            Qt::QueuedConnection);
        m_outbox->sendPending();
    }

    // One step of a multi-step action (an invoice made, its items, finalized, sent): committed
    // with its own intent and idempotency key, sent, and `then` runs with the entry once Stripe
    // confirmed it; a refusal or a lost answer is reported and ends the run.
    void step(OutboxAction action, std::function<void(const OutboxEntry &)> then)
    {
        QString error;
        const qint64 id = m_outbox->enqueue(action, &error);
        if (id < 0)
            return fail(
                u"could not store the action in the cache (%1); nothing was sent"_s.arg(error));
        // Done when nothing is in flight and the changed object has been fetched again.
        auto connections = std::make_shared<std::array<QMetaObject::Connection, 2>>();
        auto done = std::make_shared<bool>(false);
        auto check = [this, id, connections, done, then] {
            if (*done || m_outbox->busy())
                return;
            *done = true;
            for (const QMetaObject::Connection &c : *connections)
                disconnect(c);
            const OutboxEntry e = m_outbox->entry(id);
            if (e.stateValue() == models::OutboxState::Succeeded)
                return then(e);
            report(id);
        };
        (*connections)[0]
            = connect(m_outbox.get(), &models::Outbox::idle, this, check, Qt::QueuedConnection);
        (*connections)[1] = connect(m_outbox.get(), &models::Outbox::refreshed, this, check,
                                    Qt::QueuedConnection);
        m_outbox->sendPending();
    }
    // The step of this intent Stripe confirmed within the last 24 hours (id 0: none).
    OutboxEntry stepDone(const QString &intent) const
    {
        return m_outbox->lastSucceeded(intent, {}, QDateTime::currentSecsSinceEpoch() - 24 * 3600);
    }
    QString userKey() const { return m_userKey; }

    // Finishes `action` on `objectId`: the interrupted entry if there was one, else a new one.
    void act(const OutboxAction &action)
    {
        if (const qint64 earlier = resumed(action.action, action.objectId); earlier >= 0) {
            const OutboxEntry e = m_outbox->entry(earlier);
            if (e.params != action.params.encode() && action.objectId.isEmpty())
                return enqueueAndSend(action); // Another new object: this one is new too.
            if (e.params != action.params.encode()) {
                info(u"paydesk %1: an interrupted %2 of %3 with other parameters was finished "
                     u"instead; nothing else was sent. Run the command again to do this one too."_s
                         .arg(m_command, action.action, action.objectId));
                report(earlier);
                if (m_outbox->entry(earlier).stateValue() == models::OutboxState::Succeeded)
                    QCoreApplication::exit(ExitFailure);
                return;
            }
            return report(earlier, u" by the interrupted earlier run; nothing new was sent"_s);
        }
        enqueueAndSend(action);
    }

    models::Cache &cache() { return m_cache; }
    models::Outbox &outbox() { return *m_outbox; }
    bool livemode() const { return m_livemode; }

private:
    QString m_command;
    const QCommandLineParser &m_parser;
    QByteArray m_key;
    bool m_livemode = false;
    std::unique_ptr<network::StripeClient> m_client;
    models::Cache m_cache;
    std::unique_ptr<models::Outbox> m_outbox;
    QHash<QString, qint64> m_resumed;
    QString m_userKey; // --idempotency-key
    QString m_intent; // What this run was asked to do (see alreadyDone()).
};

int run(StaffRun &run, std::function<void()> start)
{
    if (const int code = run.setUp(); code >= 0)
        return code;
    QMetaObject::invokeMethod(&run, std::move(start), Qt::QueuedConnection);
    return QCoreApplication::exec();
}

// A decimal amount as one spelling: "0.50", "00.5" and "0.5" are one refund.
QString canonicalAmount(const QString &text)
{
    QString t = text.trimmed();
    static const QRegularExpression decimal(QStringLiteral("^[0-9]*(\\.[0-9]*)?$"));
    if (t.isEmpty() || !decimal.match(t).hasMatch())
        return t;
    if (t.contains(u'.')) {
        while (t.endsWith(u'0'))
            t.chop(1);
        if (t.endsWith(u'.'))
            t.chop(1);
    }
    while (t.size() > 1 && t.startsWith(u'0') && t.at(1) != u'.')
        t.remove(0, 1);
    return t.isEmpty() || t == QLatin1String(".") ? u"0"_s : t;
}

QString metadataText(const QMap<QString, QString> &metadata)
{
    QStringList pairs;
    for (auto it = metadata.cbegin(); it != metadata.cend(); ++it)
        pairs.append(it.key() + u'=' + it.value());
    return pairs.join(u'&');
}

// The options a staff command was given, in a fixed order: part of its intent.
QString optionsText(const QCommandLineParser &p, const std::initializer_list<const char *> &names)
{
    QStringList parts;
    for (const char *name : names) {
        const QString n = QString::fromLatin1(name);
        if (p.isSet(n))
            parts.append(n + u'=' + p.value(n));
    }
    return parts.join(u' ');
}

models::CustomerFields customerFields(const QCommandLineParser &p, QString *problem)
{
    models::CustomerFields f;
    f.email = p.value(u"email"_s);
    f.name = p.value(u"name"_s);
    f.phone = p.value(u"phone"_s);
    f.description = p.value(u"description"_s);
    f.country = p.value(u"country"_s);
    f.city = p.value(u"city"_s);
    f.line1 = p.value(u"line1"_s);
    f.postalCode = p.value(u"postal-code"_s);
    const models::InputProblem m
        = models::staffinput::metadataLines(p.values(u"metadata"_s), &f.metadata);
    if (!m.ok())
        *problem = m.message;
    return f;
}

} // namespace

int runCustomerCommand(const QCommandLineParser &parser)
{
    const QStringList args = parser.positionalArguments();
    const QString verb = args.value(0);
    StaffRun staff(u"customer "_s + verb, parser);
    if (verb == QLatin1String("create")) {
        QString problem;
        const models::CustomerFields fields = customerFields(parser, &problem);
        if (problem.isEmpty())
            problem = models::staffinput::customer(fields, true).message;
        if (!problem.isEmpty())
            return staff.usage(problem);
        // A create has no object yet: an interrupted create is recognised by its exact body.
        return run(staff, [&staff, fields] {
            staff.openAndResume([&staff, fields] {
                OutboxAction a = models::staffactions::createCustomer(fields);
                a.objectId = QString(); // New object.
                if (staff.alreadyDone(u"customer create "_s + QString::fromUtf8(a.params.encode())))
                    return;
                staff.act(a);
            });
        });
    }
    if (verb == QLatin1String("update") || verb == QLatin1String("delete")) {
        const QString id = args.value(1);
        if (!id.startsWith(QLatin1String("cus_")))
            return staff.usage(u"give the customer id (cus_…)"_s);
        if (verb == QLatin1String("delete")) {
            if (parser.value(u"confirm"_s) != id)
                return staff.usage(u"deleting a customer cannot be undone: repeat its id with "
                                   u"--confirm %1"_s.arg(id));
            return run(staff, [&staff, id] {
                staff.openAndResume([&staff, id] {
                    if (staff.alreadyDone(u"customer delete "_s + id))
                        return;
                    if (!staff.confirmLive(u"delete customer %1"_s.arg(id)))
                        return QCoreApplication::exit(ExitUsage);
                    staff.act(models::staffactions::deleteCustomer(id));
                });
            });
        }
        QString problem;
        models::CustomerFields given = customerFields(parser, &problem);
        if (!problem.isEmpty())
            return staff.usage(problem);
        return run(staff, [&staff, &parser, id, given] {
            staff.openAndResume([&staff, &parser, id, given] {
                if (staff.alreadyDone(u"customer update %1 %2 metadata=%3"_s.arg(
                        id,
                        optionsText(parser,
                                    {"email", "name", "phone", "description", "country", "city",
                                     "line1", "postal-code"}),
                        metadataText(given.metadata))))
                    return;
                staff.get(
                    u"/v1/customers/"_s + id,
                    [&staff, &parser, id, given](const network::StripeResponse &r) {
                        if (!r.ok())
                            return staff.fail(models::staffactions::readError(r.error).message);
                        const models::CustomerFields before
                            = models::CustomerFields::fromJson(r.json);
                        models::CustomerFields after = before;
                        const std::pair<const char *, QString *> fields[]
                            = {{"email", &after.email},     {"name", &after.name},
                               {"phone", &after.phone},     {"description", &after.description},
                               {"country", &after.country}, {"city", &after.city},
                               {"line1", &after.line1},     {"postal-code", &after.postalCode}};
                        for (const auto &[name, value] : fields)
                            if (parser.isSet(QString::fromLatin1(name)))
                                *value = parser.value(QString::fromLatin1(name));
                        for (auto it = given.metadata.cbegin(); it != given.metadata.cend(); ++it)
                            after.metadata.insert(it.key(), it.value());
                        const models::InputProblem p = models::staffinput::customer(after, false);
                        if (!p.ok())
                            return staff.fail(p.message, ExitUsage);
                        if (after == before) {
                            stdoutStream() << r.body << Qt::endl;
                            staff.info(u"nothing to change"_s);
                            return QCoreApplication::exit(ExitOk);
                        }
                        staff.act(models::staffactions::updateCustomer(id, before, after));
                    });
            });
        });
    }
    return staff.usage(u"use 'customer create', 'customer update CUS_ID' or 'customer delete "
                       u"CUS_ID --confirm CUS_ID'"_s);
}

int runRefundCommand(const QCommandLineParser &parser)
{
    StaffRun staff(u"refund"_s, parser);
    const QString target = parser.positionalArguments().value(0);
    if (!target.startsWith(QLatin1String("ch_")) && !target.startsWith(QLatin1String("py_"))
        && !target.startsWith(QLatin1String("pi_")))
        return staff.usage(u"give the charge (ch_…) or payment intent (pi_…) to refund"_s);
    const QString reason = parser.value(u"reason"_s);
    if (const models::InputProblem p = models::staffinput::refundReason(reason); !p.ok())
        return staff.usage(p.message);
    QMap<QString, QString> metadata;
    if (const models::InputProblem p
        = models::staffinput::metadataLines(parser.values(u"metadata"_s), &metadata);
        !p.ok())
        return staff.usage(p.message);
    const QString amountText = parser.value(u"amount"_s);
    if (parser.isSet(u"amount"_s) && amountText.trimmed().isEmpty())
        return staff.usage(u"--amount is empty; leave it out to refund everything"_s);

    auto withCharge = [&staff, reason, metadata, amountText](const QString &chargeId) {
        if (staff.alreadyDone(u"refund %1 amount=%2 reason=%3 metadata=%4"_s.arg(
                chargeId, amountText.isEmpty() ? u"all"_s : canonicalAmount(amountText), reason,
                metadataText(metadata))))
            return;
        if (const qint64 earlier = staff.resumed(u"refund"_s, chargeId); earlier >= 0) {
            // Finished by the resend: that was this command's refund, unless it asked for
            // another amount.
            const OutboxEntry e = staff.outbox().entry(earlier);
            if (!amountText.isEmpty()) {
                const models::MoneyParseResult m
                    = models::Money::parseDecimal(amountText, e.currency);
                if (!m.ok() || m.value->minorUnits() != e.amount) {
                    staff.info(u"paydesk refund: an interrupted refund of %1 %2 of %3 was "
                               u"finished instead; nothing else was sent. Run the command again "
                               u"to refund more."_s.arg(
                                   models::Money(e.amount, e.currency).toDecimalString(),
                                   e.currency.toUpper(), chargeId));
                    staff.report(earlier);
                    QCoreApplication::exit(ExitFailure);
                    return;
                }
            }
            return staff.report(earlier,
                                u" by the interrupted earlier run; nothing new was sent"_s);
        }
        staff.get(u"/v1/charges/"_s + chargeId,
                  [&staff, reason, metadata, amountText](const network::StripeResponse &r) {
                      if (!r.ok())
                          return staff.fail(models::staffactions::readError(r.error).message);
                      const models::RefundTarget t = models::RefundTarget::fromCharge(r.json);
                      qint64 amount = 0;
                      const models::InputProblem p = models::staffinput::refundAmount(
                          amountText, t.currency, t.refundable(), &amount, QLocale::c());
                      if (!p.ok())
                          return staff.fail(
                              u"%1 (payment of %2, %3 refunded already); nothing was sent"_s.arg(
                                  p.message,
                                  models::Money(t.amount, t.currency).toDecimalString() + u' '
                                      + t.currency.toUpper(),
                                  models::Money(t.refunded, t.currency).toDecimalString()),
                              ExitUsage);
                      const QString what = u"refund %1 %2 of %3%4"_s.arg(
                          models::Money(amount, t.currency).toDecimalString(), t.currency.toUpper(),
                          t.chargeId,
                          t.customerLabel.isEmpty() ? QString() : u" to "_s + t.customerLabel);
                      if (!staff.confirmLive(what))
                          return QCoreApplication::exit(ExitUsage);
                      staff.act(models::staffactions::refund(t, amount, reason, metadata));
                  });
    };
    return run(staff, [&staff, target, withCharge] {
        staff.openAndResume([&staff, target, withCharge] {
            if (!target.startsWith(QLatin1String("pi_")))
                return withCharge(target);
            staff.get(u"/v1/payment_intents/"_s + target,
                      [&staff, withCharge](const network::StripeResponse &r) {
                          if (!r.ok())
                              return staff.fail(models::staffactions::readError(r.error).message);
                          const QJsonValue latest = r.json.value(u"latest_charge"_s);
                          const QString charge = latest.isObject()
                              ? latest.toObject().value(u"id"_s).toString()
                              : latest.toString();
                          if (charge.isEmpty())
                              return staff.fail(
                                  u"this payment intent has no charge to refund (status %1)"_s.arg(
                                      r.json.value(u"status"_s).toString()));
                          withCharge(charge);
                      });
        });
    });
}

namespace {

// pause, unpause, coupon and trial: checked against the subscription as Stripe has it now,
// then sent once.
// update: one item's price or quantity, checked against the subscription and the price as
// Stripe has them, previewed or sent once.
int runSubscriptionUpdate(StaffRun &staff, const QCommandLineParser &parser, const QString &id)
{
    if (parser.positionalArguments().size() > 2)
        return staff.usage(u"update takes the subscription id and options"_s);
    models::staffactions::ItemChange change;
    change.subscription = id;
    change.item = parser.value(u"item"_s);
    change.price = parser.value(u"price"_s);
    if (!change.item.isEmpty() && !change.item.startsWith(QLatin1String("si_")))
        return staff.usage(u"--item is a subscription item id (si_…)"_s);
    if (parser.isSet(u"quantity"_s))
        if (const models::InputProblem p
            = models::staffinput::quantity(parser.value(u"quantity"_s), &change.quantity);
            !p.ok())
            return staff.usage(p.message + u" (--quantity)"_s);
    change.remove = parser.isSet(u"remove"_s);
    const bool add = parser.isSet(u"add"_s);
    if (add && change.remove)
        return staff.usage(u"--add and --remove: one change at a time"_s);
    if (add && !change.item.isEmpty())
        return staff.usage(u"--add makes a new item: leave out --item"_s);
    if (add && change.price.isEmpty())
        return staff.usage(u"--add needs the --price of the new item"_s);
    if (add && change.quantity == 0)
        change.quantity = 1;
    if (change.remove && (!change.price.isEmpty() || change.quantity != 0))
        return staff.usage(u"--remove deletes the --item: leave out --price and --quantity"_s);
    if (!add && !change.remove && change.price.isEmpty() && change.quantity == 0)
        return staff.usage(u"give the new --price, the new --quantity or both"_s);
    if (parser.isSet(u"proration"_s)) {
        change.proration = parser.value(u"proration"_s);
        if (const models::InputProblem p = models::staffinput::prorationBehavior(change.proration);
            !p.ok())
            return staff.usage(p.message + u" (--proration)"_s);
    }
    const bool preview = parser.isSet(u"preview"_s);
    return run(staff, [&staff, change, preview, add] {
        staff.openAndResume([&staff, change, preview, add] {
            QStringList words {
                u"subscription update"_s,         change.subscription, change.item, change.price,
                QString::number(change.quantity), change.proration};
            if (add || change.remove)
                words.append(add ? u"add"_s : u"remove"_s);
            const QString intent = words.join(u' ');
            if (!preview && staff.alreadyDone(intent, change.subscription, true))
                return;
            if (const qint64 earlier = staff.resumed(u"subscription.update"_s, change.subscription);
                !preview && earlier >= 0) {
                // An interrupted run's change was finished just now: this one, or another.
                if (staff.outbox().entry(earlier).intent == intent)
                    return staff.report(earlier,
                                        u" by the interrupted earlier run; nothing new was sent"_s);
                staff.info(u"paydesk subscription update: an interrupted other change of %1 was "
                           u"finished instead; nothing else was sent. Run the command again to "
                           u"make this one."_s.arg(change.subscription));
                staff.report(earlier);
                return QCoreApplication::exit(ExitFailure);
            }
            staff.get(
                u"/v1/subscriptions/"_s + change.subscription,
                [&staff, change, preview, add](const network::StripeResponse &r) {
                    if (!r.ok())
                        return staff.fail(models::staffactions::readError(r.error).message);
                    if (const QString refusal = models::staffActionRefusal(
                            models::StaffAction::SubscriptionUpdate, r.json);
                        !refusal.isEmpty())
                        return staff.fail(refusal, ExitUsage);
                    const QJsonObject list = r.json.value(u"items"_s).toObject();
                    const QJsonArray items = list.value(u"data"_s).toArray();
                    models::staffactions::ItemChange c = change;
                    QJsonObject item;
                    // The interval every item of the subscription bills at ("month 1").
                    QString interval;
                    for (const QJsonValue &v : items) {
                        const QJsonObject rec = v.toObject()
                                                    .value(u"price"_s)
                                                    .toObject()
                                                    .value(u"recurring"_s)
                                                    .toObject();
                        interval = rec.value(u"interval"_s).toString() + u' '
                            + QString::number(rec.value(u"interval_count"_s).toInteger(1));
                        if (add
                            && v.toObject().value(u"price"_s).toObject().value(u"id"_s).toString()
                                == c.price)
                            return staff.fail(u"the subscription already has an item of %1: "
                                              u"change its --quantity instead"_s.arg(c.price),
                                              ExitUsage);
                    }
                    if (c.remove && items.size() == 1 && !list.value(u"has_more"_s).toBool())
                        return staff.fail(u"a subscription needs at least one item; to end it, "
                                          u"cancel it"_s,
                                          ExitUsage);
                    if (c.item.isEmpty() && c.remove)
                        return staff.fail(u"say which item to remove with --item SI_ID"_s,
                                          ExitUsage);
                    if (add) {
                        // A new item: no current one to compare with.
                    } else if (c.item.isEmpty()) {
                        if (items.size() != 1 || list.value(u"has_more"_s).toBool())
                            return staff.fail(u"the subscription has several items: say which with "
                                              u"--item SI_ID"_s,
                                              ExitUsage);
                        item = items.first().toObject();
                        c.item = item.value(u"id"_s).toString();
                    }
                    for (const QJsonValue &v : items)
                        if (v.toObject().value(u"id"_s).toString() == c.item)
                            item = v.toObject();
                    if (!add && item.isEmpty() && !list.value(u"has_more"_s).toBool())
                        return staff.fail(u"the subscription has no item %1"_s.arg(c.item),
                                          ExitUsage);
                    const QString currentPrice
                        = item.value(u"price"_s).toObject().value(u"id"_s).toString();
                    if (!add && !c.remove && !item.isEmpty()
                        && (c.price.isEmpty() || c.price == currentPrice)
                        && (c.quantity == 0 || c.quantity == item.value(u"quantity"_s).toInteger()))
                        return staff.fail(u"that is the item's price and quantity now: nothing to "
                                          u"change"_s,
                                          ExitUsage);
                    c.prorationDate = QDateTime::currentSecsSinceEpoch();
                    const QString currency = r.json.value(u"currency"_s).toString();
                    const QString customer = r.json.value(u"customer"_s).toString();
                    auto go = [&staff, c, preview, customer] {
                        if (preview)
                            return staff.read(
                                models::staffactions::upcomingInvoice(c),
                                [&staff](const network::StripeResponse &u) {
                                    if (!u.ok())
                                        return staff.fail(
                                            models::staffactions::readError(u.error).message);
                                    stdoutStream() << u.body << Qt::endl;
                                    staff.info(u"preview only: nothing was sent"_s);
                                    QCoreApplication::exit(ExitOk);
                                });
                        if (!staff.confirmLive(
                                u"change subscription %1 of %2"_s.arg(c.subscription, customer)))
                            return QCoreApplication::exit(ExitUsage);
                        staff.act(models::staffactions::updateSubscriptionItem(c));
                    };
                    if (c.remove || c.price.isEmpty() || (!add && c.price == currentPrice))
                        return go();
                    // The new price is checked first: it exists, recurs, is active and is in the
                    // subscription's currency.
                    staff.get(
                        u"/v1/prices/"_s + c.price,
                        [&staff, c, currency, go, add, interval](const network::StripeResponse &p) {
                            if (!p.ok())
                                return staff.fail(models::staffactions::readError(p.error).message,
                                                  ExitUsage);
                            if (p.json.value(u"type"_s).toString() != QLatin1String("recurring"))
                                return staff.fail(
                                    u"the price %1 is one-time; a subscription takes recurring prices"_s
                                        .arg(c.price),
                                    ExitUsage);
                            if (!p.json.value(u"active"_s).toBool(true))
                                return staff.fail(
                                    u"the price %1 is archived (inactive)"_s.arg(c.price),
                                    ExitUsage);
                            const QString pc = p.json.value(u"currency"_s).toString();
                            if (pc != currency)
                                return staff.fail(u"the price %1 is in %2, but the subscription is "
                                                  u"billed in %3"_s.arg(c.price, pc.toUpper(),
                                                                        currency.toUpper()),
                                                  ExitUsage);
                            const QJsonObject rec = p.json.value(u"recurring"_s).toObject();
                            const QString every = rec.value(u"interval"_s).toString() + u' '
                                + QString::number(rec.value(u"interval_count"_s).toInteger(1));
                            if (add && !interval.isEmpty() && every != interval)
                                return staff.fail(u"the price %1 bills every %2, the subscription "
                                                  u"every %3: all its items bill at one "
                                                  u"interval"_s.arg(c.price, every, interval),
                                                  ExitUsage);
                            go();
                        });
                });
        });
    });
}

int runSubscriptionChange(StaffRun &staff, const QCommandLineParser &parser, const QString &verb,
                          const QString &id)
{
    const QStringList args = parser.positionalArguments();
    QString problem;
    OutboxAction a;
    QStringList intent {u"subscription"_s, verb, id};
    QString coupon;
    qint64 when = 0;
    if (verb == QLatin1String("pause")) {
        const QString behavior = parser.value(u"behavior"_s);
        if (const models::InputProblem p = models::staffinput::pauseBehavior(behavior); !p.ok())
            return staff.usage(p.message + u" (--behavior)"_s);
        if (parser.isSet(u"resumes-at"_s)) {
            if (const models::InputProblem p = models::staffinput::dateTime(
                    u"resumes_at"_s, parser.value(u"resumes-at"_s), &when);
                !p.ok())
                return staff.usage(p.message + u" (--resumes-at)"_s);
            if (const models::InputProblem p
                = models::staffinput::resumesAt(when, QDateTime::currentSecsSinceEpoch());
                !p.ok())
                return staff.usage(p.message + u" (--resumes-at)"_s);
        }
        a = models::staffactions::pauseCollection(id, behavior, when);
        intent << behavior << QString::number(when);
    } else if (verb == QLatin1String("unpause")) {
        if (args.size() > 2)
            return staff.usage(u"unpause takes only the subscription id"_s);
        a = models::staffactions::resumeCollection(id);
    } else if (verb == QLatin1String("coupon")) {
        const bool remove = parser.isSet(u"remove"_s);
        coupon = args.value(2);
        if (remove == !coupon.isEmpty() || args.size() > 3)
            return staff.usage(u"give one coupon id, or --remove to remove the discount"_s);
        a = models::staffactions::setCoupon(id, coupon);
        intent << (remove ? u"--remove"_s : coupon);
    } else {
        const QString end = parser.value(u"end"_s).trimmed();
        if (end.isEmpty())
            return staff.usage(u"give the trial's new end with --end DATE, or --end now"_s);
        if (end != QLatin1String("now")) {
            if (const models::InputProblem p
                = models::staffinput::dateTime(u"trial_end"_s, end, &when);
                !p.ok())
                return staff.usage(p.message + u" (--end)"_s);
            if (const models::InputProblem p
                = models::staffinput::trialEnd(when, QDateTime::currentSecsSinceEpoch());
                !p.ok())
                return staff.usage(p.message + u" (--end)"_s);
        }
        a = models::staffactions::setTrialEnd(id, when);
        intent << (when > 0 ? QString::number(when) : u"now"_s);
    }
    return run(staff, [&staff, verb, id, a, intent, coupon] {
        staff.openAndResume([&staff, verb, id, a, intent, coupon] {
            // Each sets a state: the same one again counts as done only while it is the
            // subscription's latest action.
            if (staff.alreadyDone(intent.join(u' '), id, true))
                return;
            if (staff.resumed(a.action, id) >= 0)
                return staff.act(a);
            staff.get(
                u"/v1/subscriptions/"_s + id,
                [&staff, verb, a, coupon](const network::StripeResponse &r) {
                    if (!r.ok())
                        return staff.fail(models::staffactions::readError(r.error).message);
                    const models::StaffAction action = verb == QLatin1String("trial")
                        ? models::StaffAction::SubscriptionTrial
                        : verb == QLatin1String("coupon") ? models::StaffAction::SubscriptionCoupon
                                                          : models::StaffAction::SubscriptionPause;
                    if (const QString refusal = models::staffActionRefusal(action, r.json);
                        !refusal.isEmpty())
                        return staff.fail(refusal, ExitUsage);
                    const bool paused = r.json.value(u"pause_collection"_s).isObject();
                    const QString current = r.json.value(u"discount"_s)
                                                .toObject()
                                                .value(u"coupon"_s)
                                                .toObject()
                                                .value(u"id"_s)
                                                .toString();
                    if (verb == QLatin1String("unpause") && !paused)
                        return staff.fail(
                            u"payment collection of this subscription is not paused"_s, ExitUsage);
                    if (verb == QLatin1String("coupon") && coupon.isEmpty() && current.isEmpty())
                        return staff.fail(u"the subscription has no discount to remove"_s,
                                          ExitUsage);
                    if (verb == QLatin1String("coupon") && !coupon.isEmpty() && coupon == current)
                        return staff.fail(
                            u"the subscription has the coupon %1 already"_s.arg(coupon), ExitUsage);
                    auto send = [&staff, verb, r](const OutboxAction &action) {
                        if (!staff.confirmLive(u"%1 subscription %2 of %3"_s.arg(
                                verb, action.objectId, r.json.value(u"customer"_s).toString())))
                            return QCoreApplication::exit(ExitUsage);
                        staff.act(action);
                    };
                    if (coupon.isEmpty())
                        return send(a);
                    // A coupon is checked before it is sent: it exists, is valid and fits the
                    // subscription's currency.
                    const QString currency = r.json.value(u"currency"_s).toString();
                    auto check = [&staff, currency](const QJsonObject &c, const QString &name) {
                        const QString cc = c.value(u"currency"_s).toString();
                        QString problem;
                        if (!c.value(u"valid"_s).toBool(true))
                            problem = u"the coupon %1 is no longer valid"_s.arg(name);
                        else if (!c.value(u"amount_off"_s).isNull() && !cc.isEmpty()
                                 && cc != currency)
                            problem = u"the coupon %1 takes an amount in %2 off, but the "
                                      u"subscription is billed in %3"_s.arg(name, cc.toUpper(),
                                                                            currency.toUpper());
                        if (!problem.isEmpty())
                            staff.fail(problem, ExitUsage);
                        return problem.isEmpty();
                    };
                    staff.get(
                        u"/v1/coupons/"_s + QString::fromLatin1(QUrl::toPercentEncoding(coupon)),
                        [&staff, coupon, a, send, check](const network::StripeResponse &c) {
                            if (c.ok())
                                return check(c.json, coupon) ? send(a) : void();
                            if (c.httpStatus != 404)
                                return staff.fail(models::staffactions::readError(c.error).message,
                                                  ExitUsage);
                            // Not a coupon: a promotion code a customer was given, then.
                            network::StripeRequest find;
                            find.method = "GET";
                            find.path = u"/v1/promotion_codes"_s;
                            find.params.add(u"code"_s, coupon);
                            find.params.add(u"limit"_s, 10);
                            staff.read(
                                find,
                                [&staff, coupon, a, send, check](const network::StripeResponse &p) {
                                    if (!p.ok())
                                        return staff.fail(
                                            models::staffactions::readError(p.error).message,
                                            ExitUsage);
                                    const QJsonArray found = p.json.value(u"data"_s).toArray();
                                    if (found.isEmpty())
                                        return staff.fail(u"Stripe has no coupon and no promotion "
                                                          u"code %1"_s.arg(coupon),
                                                          ExitUsage);
                                    for (const QJsonValue &v : found) {
                                        const QJsonObject promo = v.toObject();
                                        if (!promo.value(u"active"_s).toBool())
                                            continue;
                                        const qint64 expires
                                            = promo.value(u"expires_at"_s).toInteger(0);
                                        if (expires > 0
                                            && expires <= QDateTime::currentSecsSinceEpoch())
                                            continue;
                                        if (!check(promo.value(u"coupon"_s).toObject(), coupon))
                                            return;
                                        staff.info(u"%1 is a promotion code of the coupon %2"_s.arg(
                                            coupon,
                                            promo.value(u"coupon"_s)
                                                .toObject()
                                                .value(u"id"_s)
                                                .toString()));
                                        return send(models::staffactions::setPromotionCode(
                                            a.objectId, promo.value(u"id"_s).toString()));
                                    }
                                    staff.fail(
                                        u"the promotion code %1 is no longer active"_s.arg(coupon),
                                        ExitUsage);
                                });
                        });
                });
        });
    });
}

} // namespace

int runSubscriptionCommand(const QCommandLineParser &parser)
{
    const QStringList args = parser.positionalArguments();
    const QString verb = args.value(0);
    const QString id = args.value(1);
    StaffRun staff(u"subscription "_s + verb, parser);
    static const QStringList verbs {u"cancel"_s, u"resume"_s, u"pause"_s, u"unpause"_s,
                                    u"coupon"_s, u"trial"_s,  u"update"_s};
    if (!verbs.contains(verb) || !id.startsWith(QLatin1String("sub_")))
        return staff.usage(
            u"use 'subscription cancel SUB_ID [--at-period-end | --prorate [--invoice-now]] "
            u"[--reason R] [--feedback F]', 'subscription resume SUB_ID', 'subscription pause "
            u"SUB_ID --behavior B [--resumes-at DATE]', 'subscription unpause SUB_ID', "
            u"'subscription coupon SUB_ID (COUPON_ID | --remove)' or 'subscription trial SUB_ID "
            u"--end DATE|now' or 'subscription update SUB_ID [--item SI_ID [--remove] | --add] "
            u"[--price "
            u"PRICE_ID] [--quantity N] [--proration create_prorations|none|always_invoice] [--preview]'"_s);
    for (const char *option :
         {"behavior", "resumes-at", "remove", "end", "reason", "feedback", "at-period-end",
          "prorate", "invoice-now", "item", "price", "quantity", "proration", "preview", "add"}) {
        const QString o = QString::fromLatin1(option);
        static const QHash<QString, QStringList> owners {{u"behavior"_s, {u"pause"_s}},
                                                         {u"resumes-at"_s, {u"pause"_s}},
                                                         {u"remove"_s, {u"coupon"_s, u"update"_s}},
                                                         {u"add"_s, {u"update"_s}},
                                                         {u"end"_s, {u"trial"_s}},
                                                         {u"reason"_s, {u"cancel"_s}},
                                                         {u"feedback"_s, {u"cancel"_s}},
                                                         {u"at-period-end"_s, {u"cancel"_s}},
                                                         {u"prorate"_s, {u"cancel"_s}},
                                                         {u"invoice-now"_s, {u"cancel"_s}},
                                                         {u"item"_s, {u"update"_s}},
                                                         {u"price"_s, {u"update"_s}},
                                                         {u"quantity"_s, {u"update"_s}},
                                                         {u"proration"_s, {u"update"_s}},
                                                         {u"preview"_s, {u"update"_s}}};
        if (parser.isSet(o) && !owners.value(o).contains(verb))
            return staff.usage(u"--%1 is an option of 'subscription %2', not of '%3'"_s.arg(
                o, owners.value(o).join(u", "_s), verb));
    }
    if (verb == QLatin1String("update"))
        return runSubscriptionUpdate(staff, parser, id);
    if (verb != QLatin1String("cancel") && verb != QLatin1String("resume"))
        return runSubscriptionChange(staff, parser, verb, id);
    const bool atEnd = parser.isSet(u"at-period-end"_s);
    const bool prorate = parser.isSet(u"prorate"_s);
    const bool invoiceNow = parser.isSet(u"invoice-now"_s);
    if (atEnd && (prorate || invoiceNow))
        return staff.usage(u"--prorate and --invoice-now apply to a cancellation now, not at "
                           u"the period end"_s);
    const models::staffactions::CancellationDetails details {parser.value(u"feedback"_s),
                                                             parser.value(u"reason"_s)};
    if (const models::InputProblem p = models::staffinput::cancellationFeedback(details.feedback);
        !p.ok())
        return staff.usage(p.message + u" (--feedback)"_s);
    if (const models::InputProblem p = models::staffinput::cancellationComment(details.comment);
        !p.ok())
        return staff.usage(p.message + u" (--reason)"_s);
    return run(staff, [&staff, verb, id, atEnd, prorate, invoiceNow, details] {
        staff.openAndResume([&staff, verb, id, atEnd, prorate, invoiceNow, details] {
            const OutboxAction a = verb == QLatin1String("resume")
                ? models::staffactions::setCancelAtPeriodEnd(id, false)
                : atEnd
                ? models::staffactions::setCancelAtPeriodEnd(id, true, details)
                : models::staffactions::cancelSubscriptionNow(id, prorate, invoiceNow, details);
            // Cancel and resume toggle a state: the same one again counts as done only while
            // it is the subscription's latest action.
            if (staff.alreadyDone(QStringList {u"subscription"_s, verb, id,
                                               atEnd ? u"at-period-end"_s : QString(),
                                               prorate ? u"prorate"_s : QString(),
                                               invoiceNow ? u"invoice-now"_s : QString()}
                                      .join(u' ')
                                      .trimmed(),
                                  id, true))
                return;
            if (staff.resumed(a.action, id) >= 0)
                return staff.act(a);
            staff.get(u"/v1/subscriptions/"_s + id,
                      [&staff, verb, a, atEnd](const network::StripeResponse &r) {
                          if (!r.ok())
                              return staff.fail(models::staffactions::readError(r.error).message);
                          const QString status = r.json.value(u"status"_s).toString();
                          const bool pending = r.json.value(u"cancel_at_period_end"_s).toBool();
                          if (status == QLatin1String("canceled")
                              || status == QLatin1String("incomplete_expired"))
                              return staff.fail(
                                  u"the subscription has ended already (%1)"_s.arg(status),
                                  ExitUsage);
                          if (verb == QLatin1String("resume") && !pending)
                              return staff.fail(u"the subscription has no cancellation to undo"_s,
                                                ExitUsage);
                          if (atEnd && pending)
                              return staff.fail(u"the subscription is already set to cancel at the "
                                                u"period end"_s,
                                                ExitUsage);
                          if (verb == QLatin1String("cancel")
                              && !staff.confirmLive(u"cancel subscription %1 of %2%3"_s.arg(
                                  a.objectId, r.json.value(u"customer"_s).toString(),
                                  atEnd ? u" at the period end"_s : u" now"_s)))
                              return QCoreApplication::exit(ExitUsage);
                          staff.act(a);
                      });
        });
    });
}

namespace {

using models::invoiceplan::Plan;

// A plan of `paydesk invoice create`, with the custom amounts as typed (parsed once the
// invoice's currency is known).
struct InvoicePlan : Plan
{
    QStringList amountTexts; // Per line; empty for a price line.
};

// After every step: the invoice as Stripe has it now, printed.
void reportInvoice(StaffRun &staff, const QString &id, bool anythingSent)
{
    staff.get(u"/v1/invoices/"_s + id,
              [&staff, id, anythingSent](const network::StripeResponse &r) {
                  if (!r.ok())
                      return staff.fail(models::staffactions::readError(r.error).message);
                  stdoutStream() << r.body << Qt::endl;
                  staff.info(
                      anythingSent
                          ? u"invoice %1: done (%2, %3)"_s.arg(
                              id, r.json.value(u"status"_s).toString(),
                              models::Money(r.json.value(u"total"_s).toInteger(),
                                            r.json.value(u"currency"_s).toString())
                                      .toDecimalString()
                                  + u' ' + r.json.value(u"currency"_s).toString().toUpper())
                          : u"already done: invoice %1 was made by an earlier run of this command. "
                            u"Nothing was sent; add --again to make another one."_s.arg(id));
                  QCoreApplication::exit(ExitOk);
              });
}

// The steps not confirmed yet, in order: the draft, each line, finalize, send. A killed run
// leaves its steps in the outbox; the next run resends what was left unanswered (same keys)
// and goes on from the first step Stripe has not confirmed, so there is one invoice, each line
// once, finalized once and sent once.
void createInvoiceSteps(StaffRun &staff, const Plan &plan, bool anythingSent)
{
    const QString key = staff.userKey();
    auto keyed = [&key](OutboxAction a, const QString &suffix) {
        if (!key.isEmpty())
            a.idempotencyKey = suffix.isEmpty() ? key : key + u'-' + suffix;
        return a;
    };
    auto next = [&staff, plan](const OutboxEntry &) {
        createInvoiceSteps(staff, plan, true);
    };
    const OutboxEntry created = staff.stepDone(plan.intent);
    if (created.id == 0)
        return staff.step(keyed(models::invoiceplan::createDraft(plan), {}), next);
    const QString id = QJsonDocument::fromJson(created.response).object().value(u"id"_s).toString();
    for (qsizetype i = 0; i < plan.lines.size(); ++i) {
        const OutboxAction a = models::invoiceplan::addLine(plan, id, i);
        if (staff.stepDone(a.intent).id == 0)
            return staff.step(keyed(a, u"line-"_s + QString::number(i + 1)), next);
    }
    for (const QString &verb : models::invoiceplan::laterSteps(plan)) {
        const OutboxAction a = models::invoiceplan::laterStep(plan, id, verb);
        if (staff.stepDone(a.intent).id == 0)
            return staff.step(keyed(a, verb), next);
    }
    reportInvoice(staff, id, anythingSent);
}

// Reads the command's lines and options; a problem is returned as text.
QString readInvoicePlan(const QCommandLineParser &parser, InvoicePlan *plan)
{
    plan->customer = parser.value(u"customer"_s);
    if (!plan->customer.startsWith(QLatin1String("cus_")))
        return u"give the customer with --customer CUS_ID"_s;
    const QStringList items = parser.values(u"item"_s);
    if (items.isEmpty())
        return u"an invoice needs at least one line: --item PRICE_ID[:QTY] or --item "
               u"\"DESCRIPTION=AMOUNT\""_s;
    for (const QString &item : items) {
        models::invoiceplan::Line l;
        QString amountText;
        const qsizetype eq = item.lastIndexOf(u'=');
        if (eq >= 0) {
            l.description = item.left(eq).trimmed();
            amountText = item.mid(eq + 1).trimmed();
            if (l.description.isEmpty())
                return u"a custom line needs a description before '=': \"%1\""_s.arg(item);
            if (amountText.isEmpty())
                return u"a custom line needs an amount after '=': \"%1\""_s.arg(item);
        } else {
            l.price = item.section(u':', 0, 0).trimmed();
            if (!l.price.startsWith(QLatin1String("price_")))
                return u"\"%1\" is neither PRICE_ID[:QTY] nor \"DESCRIPTION=AMOUNT\""_s.arg(item);
            if (item.contains(u':'))
                if (const models::InputProblem p
                    = models::staffinput::quantity(item.section(u':', 1), &l.quantity);
                    !p.ok())
                    return p.message + u" (--item "_s + item + u')';
        }
        plan->lines.append(l);
        plan->amountTexts.append(amountText);
    }
    plan->currency = parser.value(u"currency"_s).toLower();
    if (!plan->currency.isEmpty() && !models::currency::isValidCode(plan->currency))
        return u"--currency %1 is not a currency Stripe knows"_s.arg(plan->currency);
    if (parser.isSet(u"days-until-due"_s)) {
        bool ok = false;
        plan->daysUntilDue = parser.value(u"days-until-due"_s).toLongLong(&ok);
        if (!ok || plan->daysUntilDue < 0)
            return u"--days-until-due is a number of days, 0 or more"_s;
        if (plan->daysUntilDue > 5 * 365)
            return u"--days-until-due: Stripe lets an invoice fall due at most five years "
                   u"(1825 days) ahead"_s;
    }
    plan->memo = parser.value(u"memo"_s);
    if (plan->memo.size() > 5000)
        return u"--memo is longer than 5000 characters"_s;
    plan->finalize = parser.isSet(u"finalize"_s);
    plan->send = parser.isSet(u"send"_s);
    if (plan->send && plan->daysUntilDue < 0)
        return u"--send emails the invoice for the customer to pay: give --days-until-due N"_s;
    return {};
}

// The prices of the lines, one after the other, as Stripe has them; then the amounts in the
// invoice's currency; then the steps.
void checkInvoicePrices(StaffRun &staff, const std::shared_ptr<InvoicePlan> &shared, bool again,
                        qsizetype i)
{
    InvoicePlan &plan = *shared;
    if (i == plan.lines.size()) {
        if (plan.currency.isEmpty())
            return staff.fail(u"the customer has no currency yet: give "
                              u"--currency C"_s,
                              ExitUsage);
        for (qsizetype j = 0; j < plan.lines.size(); ++j) {
            models::invoiceplan::Line &l = plan.lines[j];
            if (!l.custom())
                continue;
            const QString &text = plan.amountTexts.at(j);
            const models::MoneyParseResult m = models::Money::parseDecimal(text, plan.currency);
            if (!m.ok())
                return staff.fail(u"%1 (\"%2\")"_s.arg(m.message, text), ExitUsage);
            if (m.value->minorUnits() <= 0)
                return staff.fail(u"a line's amount must be more than zero "
                                  u"(\"%1\")"_s.arg(text),
                                  ExitUsage);
            l.amount = m.value->minorUnits();
        }
        plan.intent = models::invoiceplan::intentOf(
            plan,
            !staff.userKey().isEmpty() ? u"key="_s + staff.userKey()
                : again ? u"again "_s + QString::number(QDateTime::currentMSecsSinceEpoch())
                        : QString());
        if (!staff.confirmLive(u"invoice %1 for %2 lines"_s.arg(
                plan.customer, QString::number(plan.lines.size()))))
            return QCoreApplication::exit(ExitUsage);
        return createInvoiceSteps(staff, plan, false);
    }
    if (plan.lines.at(i).custom())
        return checkInvoicePrices(staff, shared, again, i + 1);
    staff.get(
        u"/v1/prices/"_s + plan.lines.at(i).price,
        [&staff, shared, again, i](const network::StripeResponse &p) {
            InvoicePlan &plan = *shared;
            const QString id = plan.lines.at(i).price;
            if (!p.ok())
                return staff.fail(models::staffactions::readError(p.error).message, ExitUsage);
            if (p.json.value(u"type"_s).toString() != QLatin1String("one_time"))
                return staff.fail(u"the price %1 is recurring; a one-off invoice "
                                  u"takes one-time prices (or a custom amount)"_s.arg(id),
                                  ExitUsage);
            if (!p.json.value(u"active"_s).toBool(true))
                return staff.fail(u"the price %1 is archived (inactive)"_s.arg(id), ExitUsage);
            const QString pc = p.json.value(u"currency"_s).toString();
            if (plan.currency.isEmpty())
                plan.currency = pc;
            if (pc != plan.currency)
                return staff.fail(u"the price %1 is in %2, but the invoice is in %3"_s.arg(
                                      id, pc.toUpper(), plan.currency.toUpper()),
                                  ExitUsage);
            plan.lines[i].unitAmount = p.json.value(u"unit_amount"_s).toInteger(-1);
            checkInvoicePrices(staff, shared, again, i + 1);
        });
}

} // namespace

int runInvoiceCreate(const QCommandLineParser &parser)
{
    StaffRun staff(u"invoice create"_s, parser);
    if (parser.positionalArguments().size() > 1)
        return staff.usage(u"invoice create takes only options"_s);
    if (parser.isSet(u"out-of-band"_s))
        return staff.usage(u"--out-of-band is an option of 'invoice pay'"_s);
    InvoicePlan plan;
    if (const QString problem = readInvoicePlan(parser, &plan); !problem.isEmpty())
        return staff.usage(problem);
    const bool again = parser.isSet(u"again"_s);
    // Shared by the steps below: the checks fill in the currency and the amounts.
    auto shared = std::make_shared<InvoicePlan>(plan);
    return run(staff, [&staff, shared, again] {
        staff.openAndResume([&staff, shared, again] {
            InvoicePlan &plan = *shared;
            // The customer and every price are checked before anything is sent; custom amounts
            // are read in the invoice's currency.
            staff.get(u"/v1/customers/"_s + plan.customer,
                      [&staff, shared, again](const network::StripeResponse &c) {
                          InvoicePlan &plan = *shared;
                          if (!c.ok())
                              return staff.fail(models::staffactions::readError(c.error).message,
                                                ExitUsage);
                          if (c.json.value(u"deleted"_s).toBool())
                              return staff.fail(u"the customer %1 is deleted"_s.arg(plan.customer),
                                                ExitUsage);
                          if (plan.currency.isEmpty())
                              plan.currency = c.json.value(u"currency"_s).toString();
                          checkInvoicePrices(staff, shared, again, 0);
                      });
        });
    });
}

int runInvoiceCommand(const QCommandLineParser &parser)
{
    const QStringList args = parser.positionalArguments();
    const QString verb = args.value(0);
    const QString id = args.value(1);
    if (verb == QLatin1String("create"))
        return runInvoiceCreate(parser);
    StaffRun staff(u"invoice "_s + verb, parser);
    static const QHash<QString, models::StaffAction> verbs {
        {u"finalize"_s, models::StaffAction::InvoiceFinalize},
        {u"send"_s, models::StaffAction::InvoiceSend},
        {u"pay"_s, models::StaffAction::InvoicePay},
        {u"void"_s, models::StaffAction::InvoiceVoid},
        {u"mark-uncollectible"_s, models::StaffAction::InvoiceMarkUncollectible},
        {u"delete"_s, models::StaffAction::InvoiceDelete}};
    if (!verbs.contains(verb) || !id.startsWith(QLatin1String("in_")) || args.size() > 2)
        return staff.usage(u"use 'invoice finalize|send|pay|void|mark-uncollectible|delete IN_ID' "
                           u"(pay: [--out-of-band])"_s);
    const bool outOfBand = parser.isSet(u"out-of-band"_s);
    if (outOfBand && verb != QLatin1String("pay"))
        return staff.usage(u"--out-of-band is an option of 'invoice pay'"_s);
    const models::StaffAction action = verbs.value(verb);
    return run(staff, [&staff, verb, id, action, outOfBand] {
        staff.openAndResume([&staff, verb, id, action, outOfBand] {
            const OutboxAction a = models::staffactions::invoiceAction(id, action, outOfBand);
            // Each moves the invoice one way: done once, it is not done again.
            if (staff.alreadyDone(
                    QStringList {u"invoice"_s, verb, id, outOfBand ? u"out-of-band"_s : QString()}
                        .join(u' ')
                        .trimmed(),
                    id, false))
                return;
            if (staff.resumed(a.action, id) >= 0)
                return staff.act(a);
            // What Stripe allows in the invoice's state is checked before anything is sent.
            staff.get(u"/v1/invoices/"_s + id,
                      [&staff, verb, a, action](const network::StripeResponse &r) {
                          if (!r.ok())
                              return staff.fail(models::staffactions::readError(r.error).message);
                          if (const QString refusal = models::staffActionRefusal(action, r.json);
                              !refusal.isEmpty())
                              return staff.fail(refusal, ExitUsage);
                          if (!staff.confirmLive(u"%1 invoice %2 of %3 (%4 owed)"_s.arg(
                                  verb, a.objectId, r.json.value(u"customer"_s).toString(),
                                  models::Money(r.json.value(u"amount_remaining"_s).toInteger(),
                                                r.json.value(u"currency"_s).toString())
                                      .toDecimalString())))
                              return QCoreApplication::exit(ExitUsage);
                          staff.act(a);
                      });
        });
    });
}

// Each file uploaded once (a step of its own, found again by its hash on a re-run), then the
// evidence sent once with the files' ids.
void evidenceWithFiles(StaffRun &staff, const QString &id, QMap<QString, QString> fields,
                       const QList<models::disputeform::EvidenceFile> &files, bool submit)
{
    for (const models::disputeform::EvidenceFile &f : files) {
        OutboxAction up
            = models::staffactions::uploadEvidenceFile(id, f.field, f.fileName, f.content);
        const OutboxEntry done = staff.stepDone(up.intent);
        if (done.id == 0) {
            if (!staff.userKey().isEmpty())
                up.idempotencyKey = staff.userKey() + u"-file-"_s + f.field;
            return staff.step(up, [&staff, id, fields, files, submit](const OutboxEntry &) {
                evidenceWithFiles(staff, id, fields, files, submit);
            });
        }
        const QString file
            = QJsonDocument::fromJson(done.response).object().value(u"id"_s).toString();
        staff.info(u"%1: %2 is uploaded (%3)"_s.arg(f.field, f.fileName, file));
        fields.insert(f.field, file);
    }
    staff.act(models::staffactions::disputeEvidence(id, fields, submit));
}

int runDisputeCommand(const QCommandLineParser &parser)
{
    const QStringList args = parser.positionalArguments();
    const QString verb = args.value(0);
    const QString id = args.value(1);
    StaffRun staff(u"dispute "_s + verb, parser);
    if ((verb != QLatin1String("evidence") && verb != QLatin1String("accept"))
        || !id.startsWith(QLatin1String("dp_")) || args.size() > 2)
        return staff.usage(u"use 'dispute evidence DP_ID --field KEY=TEXT... [--submit]' or "
                           u"'dispute accept DP_ID'"_s);
    const bool submit = parser.isSet(u"submit"_s);
    // Files, read before anything is sent; the form's rules (models::disputeform) check them.
    QList<models::disputeform::EvidenceFile> files;
    for (const QString &f : parser.values(u"file"_s)) {
        const qsizetype eq = f.indexOf(u'=');
        const QString key = f.left(eq).trimmed();
        const QString path = f.mid(eq + 1);
        if (eq < 0 || key.isEmpty() || path.isEmpty())
            return staff.usage(u"--file takes KEY=PATH (\"%1\")"_s.arg(f));
        if (!models::staffactions::disputeFileFields().contains(key))
            return staff.usage(u"%1 is not an evidence field that takes a file; they are: %2"_s.arg(
                key, models::staffactions::disputeFileFields().join(u", "_s)));
        if (std::any_of(files.cbegin(), files.cend(),
                        [&key](const auto &f) { return f.field == key; }))
            return staff.usage(u"--file %1 is given twice"_s.arg(key));
        QFile file(path);
        if (file.size() > models::staffactions::kEvidenceFileMaxBytes)
            return staff.usage(
                u"%1: the file is %2 MB; Stripe takes dispute evidence files of at most 5 MB"_s.arg(
                    path, QString::number(double(file.size()) / (1024.0 * 1024.0), 'f', 1)));
        if (!file.open(QIODevice::ReadOnly))
            return staff.usage(u"cannot read %1: %2"_s.arg(path, file.errorString()));
        files.append({key, QFileInfo(path).fileName(), file.readAll()});
    }
    if (verb == QLatin1String("accept") && !files.isEmpty())
        return staff.usage(u"--file is an option of 'dispute evidence'"_s);
    QMap<QString, QString> fields;
    for (const QString &f : parser.values(u"field"_s)) {
        const qsizetype eq = f.indexOf(u'=');
        const QString key = f.left(eq).trimmed();
        if (eq < 0 || key.isEmpty())
            return staff.usage(u"--field takes KEY=TEXT (\"%1\")"_s.arg(f));
        if (fields.contains(key))
            return staff.usage(u"--field %1 is given twice"_s.arg(key));
        fields.insert(key, f.mid(eq + 1));
    }
    if (verb == QLatin1String("accept") && (submit || !fields.isEmpty()))
        return staff.usage(u"--field and --submit are options of 'dispute evidence'"_s);
    if (verb == QLatin1String("evidence") && fields.isEmpty() && files.isEmpty() && !submit)
        return staff.usage(u"give the evidence with --field KEY=TEXT (and --submit to send it to "
                           u"the bank)"_s);
    if (verb == QLatin1String("evidence"))
        if (const models::InputProblem p = models::disputeform::problem(fields, files, submit);
            !p.ok())
            return staff.usage(p.message);
    const OutboxAction a = verb == QLatin1String("accept")
        ? models::staffactions::acceptDispute(id)
        : models::staffactions::disputeEvidence(id, fields, submit);
    const QStringList intent {verb == QLatin1String("accept")
                                  ? u"dispute accept "_s + id
                                  : models::disputeform::intentOf(id, fields, files, submit)};
    if (!files.isEmpty())
        return run(staff, [&staff, id, fields, files, intent, submit] {
            staff.openAndResume([&staff, id, fields, files, intent, submit] {
                if (staff.alreadyDone(intent.join(u' '), id, false))
                    return;
                staff.get(
                    u"/v1/disputes/"_s + id,
                    [&staff, id, fields, files, submit](const network::StripeResponse &r) {
                        if (!r.ok())
                            return staff.fail(models::staffactions::readError(r.error).message);
                        if (const QString refusal = models::staffactions::disputeRefusal(
                                r.json, QDateTime::currentSecsSinceEpoch());
                            !refusal.isEmpty())
                            return staff.fail(refusal, ExitUsage);
                        const QString what = submit
                            ? u"upload %1 file(s) and submit the evidence of dispute %2 (it can be "
                              u"submitted once)"_s
                            : u"upload %1 file(s) to the evidence of dispute %2, as a draft"_s;
                        if (!staff.confirmLive(what.arg(files.size()).arg(id)))
                            return QCoreApplication::exit(ExitUsage);
                        evidenceWithFiles(staff, id, fields, files, submit);
                    });
            });
        });
    return run(staff, [&staff, verb, id, a, intent, submit] {
        staff.openAndResume([&staff, verb, id, a, intent, submit] {
            if (staff.alreadyDone(intent.join(u' '), id, false))
                return;
            if (staff.resumed(a.action, id) >= 0)
                return staff.act(a);
            // What Stripe takes in the dispute's state is checked before anything is sent.
            staff.get(u"/v1/disputes/"_s + id,
                      [&staff, verb, a, submit](const network::StripeResponse &r) {
                          if (!r.ok())
                              return staff.fail(models::staffactions::readError(r.error).message);
                          if (const QString refusal = models::staffactions::disputeRefusal(
                                  r.json, QDateTime::currentSecsSinceEpoch());
                              !refusal.isEmpty())
                              return staff.fail(refusal, ExitUsage);
                          const QString what = verb == QLatin1String("accept")
                              ? u"accept dispute %1 (the money stays withdrawn)"_s
                              : submit
                              ? u"submit the evidence of dispute %1 (it can be submitted once)"_s
                              : u"save evidence of dispute %1 as a draft"_s;
                          if (!staff.confirmLive(what.arg(a.objectId)))
                              return QCoreApplication::exit(ExitUsage);
                          staff.act(a);
                      });
        });
    });
}

int runReviewCommand(const QCommandLineParser &parser)
{
    const QStringList args = parser.positionalArguments();
    const QString verb = args.value(0);
    const QString id = args.value(1);
    StaffRun staff(u"review "_s + verb, parser);
    if (verb != QLatin1String("approve") || !id.startsWith(QLatin1String("prv_"))
        || args.size() > 2)
        return staff.usage(u"use 'review approve PRV_ID'"_s);
    const OutboxAction a = models::staffactions::approveReview(id);
    return run(staff, [&staff, id, a] {
        staff.openAndResume([&staff, id, a] {
            if (staff.alreadyDone(a.intent, id, false))
                return;
            if (staff.resumed(a.action, id) >= 0)
                return staff.act(a);
            // Only an open review is approved; what Stripe has is checked before anything goes.
            staff.get(u"/v1/reviews/"_s + id, [&staff, a](const network::StripeResponse &r) {
                if (!r.ok())
                    return staff.fail(models::staffactions::readError(r.error).message);
                if (!r.json.value(u"open"_s).toBool())
                    return staff.fail(u"the review is closed already (%1)"_s.arg(
                                          r.json.value(u"closed_reason"_s).toString()),
                                      ExitUsage);
                if (!staff.confirmLive(u"approve review %1 of payment %2"_s.arg(
                        a.objectId, r.json.value(u"charge"_s).toString())))
                    return QCoreApplication::exit(ExitUsage);
                staff.act(a);
            });
        });
    });
}

} // namespace paydesk::app
