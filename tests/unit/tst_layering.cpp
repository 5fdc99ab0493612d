#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QRegularExpression>
#include <QTest>

// The layers hold in the source itself: the window reads through the store (no SQL in ui/),
// string constants are compile-time literals, and analytics only reads what the rollups keep.
class TestLayering final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void uiHoldsNoSql();
    void stringsAreLiteralsNotRunTimeConversions();
    void analyticsOnlyReads();
};

namespace {

// Every match of `patterns` in `files` (paths, or names in `dir`), as "path:line: text".
QStringList matches(const QDir &dir, const QStringList &files,
                    std::initializer_list<const QRegularExpression *> patterns)
{
    const QDir root(QStringLiteral(PAYDESK_SOURCE_DIR));
    QStringList found;
    for (const QString &name : files) {
        QFile f(dir.filePath(name));
        if (!f.open(QIODevice::ReadOnly)) {
            found.append(QStringLiteral("%1: cannot be read").arg(f.fileName()));
            continue;
        }
        const QString text = QString::fromUtf8(f.readAll());
        for (const QRegularExpression *re : patterns) {
            QRegularExpressionMatchIterator it = re->globalMatch(text);
            while (it.hasNext()) {
                const QRegularExpressionMatch m = it.next();
                found.append(QStringLiteral("%1:%2: %3")
                                 .arg(root.relativeFilePath(f.fileName()))
                                 .arg(text.left(m.capturedStart()).count(u'\n') + 1)
                                 .arg(m.captured()));
            }
        }
    }
    return found;
}

} // namespace

// The window reads through the store (models::CacheReader and the models' typed queries): no
// file of ui/ includes a SQL header or carries SQL text, so a second database backend changes
// models/ alone.
void TestLayering::uiHoldsNoSql()
{
    const QDir ui(QStringLiteral(PAYDESK_SOURCE_DIR "/ui"));
    const QStringList files = ui.entryList({QStringLiteral("*.h"), QStringLiteral("*.cpp")});
    QVERIFY(files.size() > 20);
    const QRegularExpression header(
        QStringLiteral("^\\s*#\\s*include\\s*[<\"](sqlite3\\.h|QtSql/|QSql\\w*|models/(store/)?"
                       "sqlitedb\\.h)"),
        QRegularExpression::MultilineOption);
    // A string literal (or a raw one) holding a SQL keyword as SQL writes it.
    const QRegularExpression sql(QStringLiteral(
        "\"[^\"\\n]*\\b(SELECT|INSERT INTO|UPDATE \\w+ SET|DELETE FROM|PRAGMA|CREATE "
        "(TABLE|INDEX|TRIGGER)|DROP (TABLE|INDEX)|BEGIN|COMMIT|ROLLBACK|WHERE|ORDER BY|GROUP "
        "BY|JOIN)\\b"));
    const QStringList found = matches(ui, files, {&header, &sql});
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
    QStringList files;
    for (const char *dir : {"app", "models", "ui", "network", "sandbox"}) {
        QDirIterator it(QStringLiteral(PAYDESK_SOURCE_DIR "/") + QLatin1String(dir),
                        {QStringLiteral("*.h"), QStringLiteral("*.cpp")}, QDir::Files,
                        QDirIterator::Subdirectories);
        while (it.hasNext())
            files.append(it.next());
    }
    QVERIFY(files.size() > 100);
    const QStringList found = matches(QDir(), files, {&helper});
    QVERIFY2(found.isEmpty(), qPrintable(found.join(u'\n')));
}

// The rollups are written by their triggers and the fold (models/rollups/), inside the writer's
// transaction; analytics reads them and the rows, and writes nothing.
void TestLayering::analyticsOnlyReads()
{
    const QDir dir(QStringLiteral(PAYDESK_SOURCE_DIR "/models/analytics"));
    const QStringList files = dir.entryList({QStringLiteral("*.h"), QStringLiteral("*.cpp")});
    QVERIFY(files.size() >= 6);
    const QRegularExpression write(QStringLiteral(
        "\\b(INSERT (OR \\w+ )?INTO|UPDATE \\w+ SET|DELETE FROM|CREATE (TABLE|INDEX|TRIGGER)|DROP "
        "(TABLE|INDEX|TRIGGER)|REPLACE INTO)\\b"));
    const QStringList found = matches(dir, files, {&write});
    QVERIFY2(found.isEmpty(), qPrintable(found.join(u'\n')));
}

QTEST_GUILESS_MAIN(TestLayering)
#include "tst_layering.moc"
