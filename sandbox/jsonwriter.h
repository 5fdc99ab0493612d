#pragma once

#include <QByteArray>
#include <QString>
#include <QVarLengthArray>

#include <string_view>

namespace paydesk::sandbox {

/*
 * Writes compact JSON straight into a byte array. The demo merchant has millions of objects;
 * building each as a QJsonObject and serialising it costs several times more than appending
 * its text, so the sandbox writes objects with this and only parses them when an API call
 * has to change one.
 */
class JsonWriter final
{
public:
    JsonWriter();

    JsonWriter &beginObject();
    JsonWriter &endObject();
    JsonWriter &beginArray();
    JsonWriter &endArray();

    // Values (inside an array, or after key()).
    JsonWriter &str(QStringView value);
    JsonWriter &str(std::string_view latin1);
    JsonWriter &num(qint64 value);
    JsonWriter &real(double value);
    JsonWriter &boolean(bool value);
    JsonWriter &null();
    JsonWriter &raw(const QByteArray &json); // Already-serialised JSON value.

    JsonWriter &key(std::string_view name);

    // Object members.
    JsonWriter &str(std::string_view name, QStringView value) { return key(name).str(value); }
    JsonWriter &str(std::string_view name, std::string_view latin1)
    {
        return key(name).str(latin1);
    }
    JsonWriter &num(std::string_view name, qint64 value) { return key(name).num(value); }
    JsonWriter &boolean(std::string_view name, bool value) { return key(name).boolean(value); }
    JsonWriter &null(std::string_view name) { return key(name).null(); }
    JsonWriter &raw(std::string_view name, const QByteArray &json) { return key(name).raw(json); }
    // A string, or null when empty (Stripe's optional ids and texts).
    JsonWriter &strOrNull(std::string_view name, QStringView value);
    // An integer, or null when zero (optional timestamps).
    JsonWriter &numOrNull(std::string_view name, qint64 value);
    JsonWriter &beginObject(std::string_view name) { return key(name).beginObject(); }
    JsonWriter &beginArray(std::string_view name) { return key(name).beginArray(); }
    // Several members that are all null.
    JsonWriter &nulls(std::initializer_list<std::string_view> names);
    JsonWriter &emptyObject(std::string_view name) { return key(name).beginObject().endObject(); }
    JsonWriter &emptyArray(std::string_view name) { return key(name).beginArray().endArray(); }

    QByteArray take();

private:
    void beforeValue();

    QByteArray m_out;
    QVarLengthArray<bool, 16> m_needsComma;
    bool m_afterKey = false;
};

} // namespace paydesk::sandbox
