#include "network/redaction.h"

#include <QRegularExpression>

namespace paydesk::network {

namespace {

// Stripe keys are [A-Za-z0-9] after the prefix; whsec_ secrets are base64-like. A key may be
// quoted, inside JSON or a URL, so the match is on the character class, not on whitespace.
const QRegularExpression &keyPattern()
{
    static const QRegularExpression re(
        QStringLiteral(R"((?<![A-Za-z0-9])((?:sk|rk)_(?:live|test)_|whsec_)([A-Za-z0-9+/=_-]+))"));
    return re;
}

const QRegularExpression &authHeaderPattern()
{
    static const QRegularExpression re(
        QStringLiteral(R"(\b(Bearer|Basic)\s+([A-Za-z0-9+/=_.:-]+))"),
        QRegularExpression::CaseInsensitiveOption);
    return re;
}

QString maskTail(QStringView secret)
{
    if (secret.size() <= 8)
        return QStringLiteral("***");
    return QStringLiteral("***") + secret.right(4);
}

QtMessageHandler s_previousHandler = nullptr;

void redactingHandler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    const QString safe = redactSecrets(message);
    if (s_previousHandler)
        s_previousHandler(type, context, safe);
}

} // namespace

QString redactSecrets(QStringView text)
{
    QString out = text.toString();
    // Authorization credentials first: a Basic credential is base64 of "sk_test_…:" and would
    // not be caught by the key pattern.
    {
        QString result;
        qsizetype last = 0;
        auto it = authHeaderPattern().globalMatch(out);
        while (it.hasNext()) {
            const auto m = it.next();
            result += QStringView(out).mid(last, m.capturedStart(2) - last);
            result += QStringLiteral("***");
            last = m.capturedEnd(2);
        }
        result += QStringView(out).mid(last);
        out = result;
    }
    {
        QString result;
        qsizetype last = 0;
        auto it = keyPattern().globalMatch(out);
        while (it.hasNext()) {
            const auto m = it.next();
            result += QStringView(out).mid(last, m.capturedStart(2) - last);
            result += maskTail(m.capturedView(2));
            last = m.capturedEnd(2);
        }
        result += QStringView(out).mid(last);
        out = result;
    }
    return out;
}

bool containsSecret(QStringView text)
{
    const QString s = text.toString();
    return keyPattern().match(s).hasMatch() || authHeaderPattern().match(s).hasMatch();
}

void installRedactingMessageHandler()
{
    QtMessageHandler previous = qInstallMessageHandler(redactingHandler);
    if (previous != redactingHandler)
        s_previousHandler = previous;
}

} // namespace paydesk::network
