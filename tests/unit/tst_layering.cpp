#include <QDir>
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

QTEST_GUILESS_MAIN(TestLayering)
#include "tst_layering.moc"
