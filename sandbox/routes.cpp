#include "sandbox/formparams.h"
#include "sandbox/sandboxinternal.h"
#include "sandbox/stripesandbox.h"

#include <QRegularExpression>

#define L(s) QStringLiteral(s)

namespace paydesk::sandbox {

using namespace detail;

StripeSandbox::Route StripeSandbox::endpoint(const char *method, const QByteArray &path,
                                             Handler handler)
{
    return {QByteArray(method), QString::fromLatin1(path).split(u'/', Qt::SkipEmptyParts),
            std::move(handler)};
}

StripeSandbox::Route StripeSandbox::retrieveRoute(const char *path, Collection Store::*collection)
{
    return endpoint("GET", path, [collection](StripeSandbox &sb, const Call &c) {
        return sb.retrieve(sb.m_store.*collection, c.id(), c.params);
    });
}

StripeSandbox::Route StripeSandbox::searchRoute(const char *path, Collection Store::*collection)
{
    return endpoint("GET", path, [collection](StripeSandbox &sb, const Call &c) {
        return sb.search(sb.m_store.*collection, c.url() + QStringLiteral("/search"), c.params);
    });
}

StripeSandbox::Route StripeSandbox::listRoute(const char *path, Collection Store::*collection)
{
    return endpoint("GET", path, [collection](StripeSandbox &sb, const Call &c) {
        return sb.list(sb.m_store.*collection, c.url(), c.params);
    });
}

const QList<StripeSandbox::Route> &StripeSandbox::routes()
{
    static const QList<Route> table = [] {
        QList<Route> r;
        accountRoutes(r);
        customerRoutes(r);
        paymentRoutes(r);
        billingRoutes(r);
        payoutRoutes(r);
        radarRoutes(r);
        return r;
    }();
    return table;
}

std::function<bool(const Collection::Entry &)> StripeSandbox::byOwner(const FormParams &params,
                                                                      const QString &field)
{
    const QByteArray value = params.value(field).toLatin1();
    if (value.isEmpty())
        return {};
    return [value](const Collection::Entry &e) {
        return e.owner == value;
    };
}

StripeSandbox::Reply StripeSandbox::route(const Call &call)
{
    const QStringList &s = call.segments;
    const Route *best = nullptr;
    int bestLiterals = -1;
    for (const Route &r : routes()) {
        if (r.method != call.request.method || r.pattern.size() != s.size())
            continue;
        int literals = 0;
        bool match = true;
        for (qsizetype i = 0; i < s.size() && match; ++i) {
            if (r.pattern.at(i) == QLatin1String(":id"))
                continue;
            match = r.pattern.at(i) == s.at(i);
            ++literals;
        }
        if (match && literals > bestLiterals) {
            best = &r;
            bestLiterals = literals;
        }
    }
    if (best)
        return best->handler(*this, call);
    return error(
        404, kInvalidRequest,
        L("Unrecognized request URL (%1: %2). Please see https://stripe.com/docs or we can help at "
          "https://support.stripe.com/.")
            .arg(QString::fromLatin1(call.request.method), L("/") + s.join(u'/')));
}

// The account, and its events.
void StripeSandbox::accountRoutes(QList<Route> &r)
{
    r << endpoint("GET", "/v1/account", [](StripeSandbox &sb, const Call &) {
        return Reply {200, sb.m_store.account, {}};
    });
    r << endpoint("GET", "/v1/events", [](StripeSandbox &sb, const Call &c) {
        QStringList types = c.params.list(L("types"));
        if (!c.params.value(L("type")).isEmpty())
            types.append(c.params.value(L("type")));
        std::function<bool(const Collection::Entry &)> filter;
        if (!types.isEmpty()) {
            QList<QRegularExpression> patterns;
            for (const QString &t : std::as_const(types))
                patterns.append(QRegularExpression(QRegularExpression::anchoredPattern(
                    QRegularExpression::escape(t).replace(L("\\*"), L(".*")))));
            filter = [patterns](const Collection::Entry &e) {
                const QString type = QString::fromLatin1(e.key);
                return std::any_of(
                    patterns.begin(), patterns.end(),
                    [&](const QRegularExpression &p) { return p.match(type).hasMatch(); });
            };
        }
        return sb.list(sb.m_store.events, c.url(), c.params, filter);
    });
    r << retrieveRoute("/v1/events/:id", &Store::events);
}

} // namespace paydesk::sandbox
