#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QRegularExpression>
#include <QTest>

// The window reads through the store (models::CacheReader and the models' typed queries): no
// file of ui/ includes a SQL header or carries SQL text, so a second database backend changes
// models/ alone.
class TestLayering final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void uiHoldsNoSql();
    void stringsAreLiteralsNotRunTimeConversions();
};

void TestLayering::uiHoldsNoSql()
{
    const QDir ui(QStringLiteral(PAYDESK_SOURCE_DIR "/ui"));
    const QStringList files = ui.entryList({QStringLiteral("*.h"), QStringLiteral("*.cpp")});
    QVERIFY(files.size() > 20);
    const QRegularExpression header(
        QStringLiteral("^\\s*#\\s*include\\s*[<\"](sqlite3\\.h|QtSql/|QSql\\w*|models/"
                       "sqlitedb\\.h)"),
        QRegularExpression::MultilineOption);
    // A string literal (or a raw one) holding a SQL keyword as SQL writes it.
    const QRegularExpression sql(QStringLiteral(
        "\"[^\"\\n]*\\b(SELECT|INSERT INTO|UPDATE \\w+ SET|DELETE FROM|PRAGMA|CREATE "
        "(TABLE|INDEX|TRIGGER)|DROP (TABLE|INDEX)|BEGIN|COMMIT|ROLLBACK|WHERE|ORDER BY|GROUP "
        "BY|JOIN)\\b"));
    QStringList found;
    for (const QString &name : files) {
        QFile f(ui.filePath(name));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(f.readAll());
        for (const QRegularExpression *re : {&header, &sql}) {
            QRegularExpressionMatchIterator it = re->globalMatch(text);
            while (it.hasNext()) {
                const QRegularExpressionMatch m = it.next();
                const int line = int(text.left(m.capturedStart()).count(u'\n')) + 1;
                found.append(QStringLiteral("ui/%1:%2: %3").arg(name).arg(line).arg(m.captured()));
            }
        }
    }
    QVERIFY2(found.isEmpty(), qPrintable(found.join(u'\n')));
}

// QT_NO_CAST_FROM_ASCII makes every conversion of 8-bit text visible; a helper that takes any
// `const char *` and converts it at run time (as Latin-1, which garbles "…") sidesteps that.
// String constants are compile-time literals (u"…"_s, QStringLiteral, or the sandbox's L()
// macro for it); run-time text is converted where it is read, by name.
void TestLayering::stringsAreLiteralsNotRunTimeConversions()
{
    const QRegularExpression helper(QStringLiteral(
        "QString\\s+\\w+\\s*\\(\\s*const\\s+char\\s*\\*\\s*\\w*\\s*\\)\\s*\\{\\s*return\\s+"
        "QString::from(Latin1|Utf8|Local8Bit)\\s*\\("));
    QStringList found;
    qsizetype seen = 0;
    for (const char *dir : {"app", "models", "ui", "network", "sandbox"}) {
        QDirIterator it(QStringLiteral(PAYDESK_SOURCE_DIR "/") + QLatin1String(dir),
                        {QStringLiteral("*.h"), QStringLiteral("*.cpp")}, QDir::Files,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadOnly));
            ++seen;
            const QString text = QString::fromUtf8(f.readAll());
            const QRegularExpressionMatch m = helper.match(text);
            if (m.hasMatch())
                found.append(QStringLiteral("%1:%2: %3")
                                 .arg(path)
                                 .arg(text.left(m.capturedStart()).count(u'\n') + 1)
                                 .arg(m.captured()));
        }
    }
    QVERIFY(seen > 100);
    QVERIFY2(found.isEmpty(), qPrintable(found.join(u'\n')));
}

QTEST_GUILESS_MAIN(TestLayering)
#include "tst_layering.moc"
