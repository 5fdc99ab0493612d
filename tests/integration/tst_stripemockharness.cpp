#include "tests/support/peerprocess.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>
#include <QUrlQuery>

using paydesk::tests::PeerProcess;

// Proves the third-party peer harness: stripe-stateful-mock starts on a free loopback port,
// speaks Stripe's form-encoded API over real HTTP, keeps state, and stops.
class TestStripeMockHarness final : public QObject
{
    Q_OBJECT

private:
    static QByteArray testKey()
    {
        return QByteArrayLiteral("sk_test_") + QByteArrayLiteral("paydeskharness");
    }

    QNetworkReply *send(QNetworkAccessManager &nam, const QByteArray &verb, const QUrl &url,
                        const QByteArray &body = {})
    {
        QNetworkRequest request(url);
        request.setRawHeader("Authorization", "Bearer " + testKey());
        request.setRawHeader("Stripe-Version", "2023-08-16");
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/x-www-form-urlencoded"));
        return nam.sendCustomRequest(request, verb, body);
    }

    static bool finish(QNetworkReply *reply)
    {
        if (reply->isFinished())
            return true;
        QSignalSpy spy(reply, &QNetworkReply::finished);
        return spy.wait(15000);
    }

private Q_SLOTS:
    void createAndRetrieveCustomer();
};

void TestStripeMockHarness::createAndRetrieveCustomer()
{
    PeerProcess peer = PeerProcess::stripeMock();
    QVERIFY2(peer.start(), qPrintable(peer.errorString()));
    QCOMPARE(peer.baseUrl().host(), QStringLiteral("127.0.0.1"));
    QVERIFY(peer.baseUrl().port() > 0);

    QNetworkAccessManager nam;
    QUrlQuery form;
    form.addQueryItem(QStringLiteral("email"), QStringLiteral("jenny.rosen@example.com"));
    form.addQueryItem(QStringLiteral("name"), QStringLiteral("Jenny Rosen"));
    form.addQueryItem(QStringLiteral("metadata[plan]"), QStringLiteral("gold"));
    QNetworkReply *created
        = send(nam, "POST", peer.baseUrl().resolved(QUrl(QStringLiteral("/v1/customers"))),
               form.toString(QUrl::FullyEncoded).toUtf8());
    QVERIFY(finish(created));
    QCOMPARE(created->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    const QJsonObject customer = QJsonDocument::fromJson(created->readAll()).object();
    created->deleteLater();
    QCOMPARE(customer.value(QStringLiteral("object")).toString(), QStringLiteral("customer"));
    QCOMPARE(customer.value(QStringLiteral("email")).toString(),
             QStringLiteral("jenny.rosen@example.com"));
    QCOMPARE(customer.value(QStringLiteral("metadata"))
                 .toObject()
                 .value(QStringLiteral("plan"))
                 .toString(),
             QStringLiteral("gold"));
    const QString id = customer.value(QStringLiteral("id")).toString();
    QVERIFY(id.startsWith(QStringLiteral("cus_")));

    // State is kept: the customer can be read back.
    QNetworkReply *fetched
        = send(nam, "GET", peer.baseUrl().resolved(QUrl(QStringLiteral("/v1/customers/") + id)));
    QVERIFY(finish(fetched));
    QCOMPARE(fetched->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    const QJsonObject again = QJsonDocument::fromJson(fetched->readAll()).object();
    QCOMPARE(again.value(QStringLiteral("id")).toString(), id);
    QCOMPARE(again.value(QStringLiteral("email")).toString(),
             QStringLiteral("jenny.rosen@example.com"));
    fetched->deleteLater();

    // A missing key is refused the way Stripe refuses it.
    QNetworkRequest anonymous(peer.baseUrl().resolved(QUrl(QStringLiteral("/v1/customers"))));
    QNetworkReply *denied = nam.get(anonymous);
    QVERIFY(finish(denied));
    QCOMPARE(denied->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 401);
    QCOMPARE(QJsonDocument::fromJson(denied->readAll())
                 .object()
                 .value(QStringLiteral("error"))
                 .toObject()
                 .value(QStringLiteral("type"))
                 .toString(),
             QStringLiteral("invalid_request_error"));
    denied->deleteLater();

    peer.stop();
    QNetworkReply *afterStop
        = send(nam, "GET", peer.baseUrl().resolved(QUrl(QStringLiteral("/v1/customers"))));
    QVERIFY(finish(afterStop));
    QCOMPARE(afterStop->error(), QNetworkReply::ConnectionRefusedError);
    afterStop->deleteLater();
}

QTEST_GUILESS_MAIN(TestStripeMockHarness)
#include "tst_stripemockharness.moc"
