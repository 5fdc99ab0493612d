#include "network/jsonsplit.h"

namespace paydesk::network {

namespace {

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Index just past the string starting at `i` (a '"'), or -1.
qsizetype skipString(const char *p, qsizetype n, qsizetype i)
{
    for (++i; i < n; ++i) {
        if (p[i] == '\\')
            ++i;
        else if (p[i] == '"')
            return i + 1;
    }
    return -1;
}

// Index just past the value starting at `i`, or -1.
qsizetype skipValue(const char *p, qsizetype n, qsizetype i)
{
    if (i >= n)
        return -1;
    if (p[i] == '"')
        return skipString(p, n, i);
    if (p[i] == '{' || p[i] == '[') {
        int depth = 0;
        for (; i < n; ++i) {
            const char c = p[i];
            if (c == '"') {
                i = skipString(p, n, i);
                if (i < 0)
                    return -1;
                --i;
            } else if (c == '{' || c == '[') {
                ++depth;
            } else if (c == '}' || c == ']') {
                if (--depth == 0)
                    return i + 1;
            }
        }
        return -1;
    }
    // Number, true, false, null.
    while (i < n && p[i] != ',' && p[i] != '}' && p[i] != ']' && !isSpace(p[i]))
        ++i;
    return i;
}

qsizetype skipSpace(const char *p, qsizetype n, qsizetype i)
{
    while (i < n && isSpace(p[i]))
        ++i;
    return i;
}

} // namespace

QList<QByteArray> splitListData(const QByteArray &body)
{
    const char *p = body.constData();
    const qsizetype n = body.size();
    qsizetype i = skipSpace(p, n, 0);
    if (i >= n || p[i] != '{')
        return {};
    ++i;
    while (true) {
        i = skipSpace(p, n, i);
        if (i >= n || p[i] != '"')
            return {};
        const qsizetype keyEnd = skipString(p, n, i);
        if (keyEnd < 0)
            return {};
        const bool isData = QByteArrayView(p + i, keyEnd - i) == "\"data\"";
        i = skipSpace(p, n, keyEnd);
        if (i >= n || p[i] != ':')
            return {};
        i = skipSpace(p, n, i + 1);
        if (isData) {
            if (i >= n || p[i] != '[')
                return {};
            QList<QByteArray> out;
            i = skipSpace(p, n, i + 1);
            if (i < n && p[i] == ']')
                return out;
            while (i < n) {
                const qsizetype end = skipValue(p, n, i);
                if (end < 0)
                    return {};
                out.append(QByteArray(p + i, end - i));
                i = skipSpace(p, n, end);
                if (i < n && p[i] == ',') {
                    i = skipSpace(p, n, i + 1);
                    continue;
                }
                if (i < n && p[i] == ']')
                    return out;
                return {};
            }
            return {};
        }
        i = skipValue(p, n, i);
        if (i < 0)
            return {};
        i = skipSpace(p, n, i);
        if (i < n && p[i] == ',') {
            ++i;
            continue;
        }
        return {};
    }
}

} // namespace paydesk::network
