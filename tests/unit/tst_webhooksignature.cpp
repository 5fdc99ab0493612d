#include "network/webhooksignature.h"

#include <QMessageAuthenticationCode>
#include <QTest>

using namespace paydesk::network;

namespace {
const QByteArray kSecret = QByteArrayLiteral("whsec_") + QByteArrayLiteral("unitTestSecret");
const QByteArray kPayload = R"({"id":"evt_1","object":"event","type":"customer.created"})";
const qint64 kNow = 1763800000;

// Computed here independently of the code under test.
QByteArray signature(const QByteArray &payload, const QByteArray &secret, qint64 t)
{
    return QMessageAuthenticationCode::hash(QByteArray::number(t) + '.' + payload, secret,
                                            QCryptographicHash::Sha256)
        .toHex();
}
} // namespace

class TestWebhookSignature final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void verdicts_data();
    void verdicts();
    void parsesHeaders_data();
    void parsesHeaders();
    void signMatchesStripeScheme();
    void constantTimeEquality();
};

void TestWebhookSignature::verdicts_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<int>("verdict");
    const QByteArray good = signature(kPayload, kSecret, kNow);
    const QByteArray t = "t=" + QByteArray::number(kNow);
    const QByteArray other = signature(kPayload, "whsec_other", kNow);
    auto v = [](WebhookVerdict verdict) {
        return int(verdict);
    };

    QTest::newRow("valid") << kPayload << t + ",v1=" + good << v(WebhookVerdict::Valid);
    QTest::newRow("valid, spaces and v0")
        << kPayload << t + ", v0=abc, v1=" + good << v(WebhookVerdict::Valid);
    QTest::newRow("valid among several v1 (secret roll)")
        << kPayload << t + ",v1=" + other + ",v1=" + good << v(WebhookVerdict::Valid);
    QTest::newRow("valid first of several v1")
        << kPayload << t + ",v1=" + good + ",v1=" + other << v(WebhookVerdict::Valid);
    QTest::newRow("upper-case hex")
        << kPayload << t + ",v1=" + good.toUpper() << v(WebhookVerdict::Valid);
    QTest::newRow("tampered body") << QByteArray(kPayload).replace("created", "deleted")
                                   << t + ",v1=" + good << v(WebhookVerdict::NoMatchingSignature);
    QTest::newRow("body with trailing newline") << kPayload
            + '\n' << t + ",v1=" + good << v(WebhookVerdict::NoMatchingSignature);
    QTest::newRow("unknown secret")
        << kPayload << t + ",v1=" + other << v(WebhookVerdict::NoMatchingSignature);
    QTest::newRow("several v1, none ours")
        << kPayload << t + ",v1=" + other + ",v1=" + signature(kPayload, "whsec_third", kNow)
        << v(WebhookVerdict::NoMatchingSignature);
    QTest::newRow("timestamp changed")
        << kPayload << "t=" + QByteArray::number(kNow + 1) + ",v1=" + good
        << v(WebhookVerdict::NoMatchingSignature);
    QTest::newRow("only v0") << kPayload << t + ",v0=" + good << v(WebhookVerdict::MalformedHeader);
    QTest::newRow("stale: 301 s old")
        << kPayload
        << "t=" + QByteArray::number(kNow - 301) + ",v1=" + signature(kPayload, kSecret, kNow - 301)
        << v(WebhookVerdict::OutsideTolerance);
    QTest::newRow("300 s old is still fine")
        << kPayload
        << "t=" + QByteArray::number(kNow - 300) + ",v1=" + signature(kPayload, kSecret, kNow - 300)
        << v(WebhookVerdict::Valid);
    QTest::newRow("from the future") << kPayload
                                     << "t=" + QByteArray::number(kNow + 3600)
            + ",v1=" + signature(kPayload, kSecret, kNow + 3600)
                                     << v(WebhookVerdict::OutsideTolerance);
    QTest::newRow("empty header") << kPayload << QByteArray() << v(WebhookVerdict::MalformedHeader);
    QTest::newRow("no timestamp") << kPayload << "v1=" + good << v(WebhookVerdict::MalformedHeader);
    QTest::newRow("two timestamps")
        << kPayload << t + "," + t + ",v1=" + good << v(WebhookVerdict::MalformedHeader);
    QTest::newRow("short signature")
        << kPayload << t + ",v1=" + good.left(63) << v(WebhookVerdict::MalformedHeader);
    QTest::newRow("non-hex signature")
        << kPayload << t + ",v1=" + QByteArray(64, 'z') << v(WebhookVerdict::MalformedHeader);
    QTest::newRow("negative timestamp")
        << kPayload << "t=-5,v1=" + good << v(WebhookVerdict::MalformedHeader);
}

void TestWebhookSignature::verdicts()
{
    QFETCH(QByteArray, payload);
    QFETCH(QByteArray, header);
    QFETCH(int, verdict);
    QCOMPARE(int(verifyWebhookSignature(payload, header, kSecret, kNow)), verdict);
}

void TestWebhookSignature::parsesHeaders_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<qint64>("timestamp");
    QTest::addColumn<int>("signatures");
    const QByteArray hex(64, 'a');
    QTest::newRow("one") << "t=12,v1=" + hex << true << qint64(12) << 1;
    QTest::newRow("two plus junk")
        << "junk,t=12,,=x,v1=" + hex + ",v1=" + hex + ",v9=1" << true << qint64(12) << 2;
    QTest::newRow("malformed v1 skipped") << "t=12,v1=xyz,v1=" + hex << true << qint64(12) << 1;
    QTest::newRow("timestamp too long")
        << "t=12345678901234567890,v1=" + hex << false << qint64(0) << 0;
    QTest::newRow("timestamp with letters") << "t=12a,v1=" + hex << false << qint64(0) << 0;
    QTest::newRow("huge header") << "t=1,v1=" + hex + QByteArray(9000, ',') << false << qint64(0)
                                 << 0;
}

void TestWebhookSignature::parsesHeaders()
{
    QFETCH(QByteArray, header);
    QFETCH(bool, ok);
    QFETCH(qint64, timestamp);
    QFETCH(int, signatures);
    const auto parsed = parseWebhookSignatureHeader(header);
    QCOMPARE(parsed.has_value(), ok);
    if (ok) {
        QCOMPARE(parsed->timestamp, timestamp);
        QCOMPARE(parsed->v1.size(), signatures);
        QCOMPARE(parsed->v1.first(), QByteArray::fromHex(QByteArray(64, 'a')));
    }
}

void TestWebhookSignature::signMatchesStripeScheme()
{
    QCOMPARE(signWebhookPayload(kPayload, kSecret, kNow),
             "t=" + QByteArray::number(kNow) + ",v1=" + signature(kPayload, kSecret, kNow));
}

void TestWebhookSignature::constantTimeEquality()
{
    QVERIFY(constantTimeEquals("abc", "abc"));
    QVERIFY(!constantTimeEquals("abc", "abd"));
    QVERIFY(!constantTimeEquals("abc", "ab"));
    QVERIFY(constantTimeEquals("", ""));
}

QTEST_GUILESS_MAIN(TestWebhookSignature)
#include "tst_webhooksignature.moc"
