#include "tests/support/sandboxnetwork.h"

#include "sandbox/httpserver.h"
#include "sandbox/stripesandbox.h"

namespace paydesk::tests {

void answerFromSandbox(FakeNetworkAccessManager *network, sandbox::StripeSandbox *sandbox)
{
    network->setAnswerer([sandbox](const SentRequest &sent) {
        sandbox::HttpRequest request;
        request.method = sent.method.toUpper();
        request.path = sent.url.path(QUrl::FullyEncoded).toLatin1();
        request.query = sent.url.query(QUrl::FullyEncoded).toLatin1();
        for (const auto &[name, value] : sent.headers)
            request.headers.insert(name.toLower(), value);
        request.body = sent.body;
        const sandbox::HttpResponse answer = sandbox->handle(request);
        FakeResponse response;
        response.status = answer.status;
        response.body = answer.body;
        response.headers = answer.headers;
        response.delayMs = answer.delayMs;
        if (answer.delivery == sandbox::HttpResponse::Delivery::DropMidBody) {
            // The connection closes after half the body, as the sandbox's server does.
            response.announcedLength = answer.body.size();
            response.body = answer.body.left(answer.body.size() / 2);
            response.error = QNetworkReply::RemoteHostClosedError;
        }
        return response;
    });
}

} // namespace paydesk::tests
