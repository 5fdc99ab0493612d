#include "sandbox/jsonwriter.h"

namespace paydesk::sandbox {

namespace {

void appendEscaped(QByteArray &out, const char *data, qsizetype size)
{
    static const char hex[] = "0123456789abcdef";
    out += '"';
    qsizetype plainFrom = 0;
    for (qsizetype i = 0; i < size; ++i) {
        const auto c = static_cast<unsigned char>(data[i]);
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        out.append(data + plainFrom, i - plainFrom);
        plainFrom = i + 1;
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    out.append(data + plainFrom, size - plainFrom);
    out += '"';
}

} // namespace

JsonWriter::JsonWriter()
{
    m_out.reserve(1024);
}

void JsonWriter::beforeValue()
{
    if (m_afterKey) {
        m_afterKey = false;
        return;
    }
    if (!m_needsComma.isEmpty()) {
        if (m_needsComma.last())
            m_out += ',';
        m_needsComma.last() = true;
    }
}

JsonWriter &JsonWriter::key(std::string_view name)
{
    beforeValue();
    m_out += '"';
    m_out.append(name.data(), qsizetype(name.size()));
    m_out += "\":";
    m_afterKey = true;
    return *this;
}

JsonWriter &JsonWriter::beginObject()
{
    beforeValue();
    m_out += '{';
    m_needsComma.append(false);
    return *this;
}

JsonWriter &JsonWriter::endObject()
{
    m_out += '}';
    m_needsComma.removeLast();
    return *this;
}

JsonWriter &JsonWriter::beginArray()
{
    beforeValue();
    m_out += '[';
    m_needsComma.append(false);
    return *this;
}

JsonWriter &JsonWriter::endArray()
{
    m_out += ']';
    m_needsComma.removeLast();
    return *this;
}

JsonWriter &JsonWriter::str(QStringView value)
{
    beforeValue();
    const QByteArray utf8 = value.toUtf8();
    appendEscaped(m_out, utf8.constData(), utf8.size());
    return *this;
}

JsonWriter &JsonWriter::str(std::string_view latin1)
{
    beforeValue();
    appendEscaped(m_out, latin1.data(), qsizetype(latin1.size()));
    return *this;
}

JsonWriter &JsonWriter::num(qint64 value)
{
    beforeValue();
    m_out += QByteArray::number(value);
    return *this;
}

JsonWriter &JsonWriter::real(double value)
{
    beforeValue();
    m_out += QByteArray::number(value, 'g', 12);
    return *this;
}

JsonWriter &JsonWriter::boolean(bool value)
{
    beforeValue();
    m_out += value ? "true" : "false";
    return *this;
}

JsonWriter &JsonWriter::null()
{
    beforeValue();
    m_out += "null";
    return *this;
}

JsonWriter &JsonWriter::raw(const QByteArray &json)
{
    beforeValue();
    m_out += json.isEmpty() ? QByteArray("null") : json;
    return *this;
}

JsonWriter &JsonWriter::strOrNull(std::string_view name, QStringView value)
{
    key(name);
    return value.isEmpty() ? null() : str(value);
}

JsonWriter &JsonWriter::numOrNull(std::string_view name, qint64 value)
{
    key(name);
    return value == 0 ? null() : num(value);
}

JsonWriter &JsonWriter::nulls(std::initializer_list<std::string_view> names)
{
    for (std::string_view n : names)
        null(n);
    return *this;
}

QByteArray JsonWriter::take()
{
    return std::move(m_out);
}

} // namespace paydesk::sandbox
