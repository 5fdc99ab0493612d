#include "app/profiles.h"

#include <QCoreApplication>
#include <QRegularExpression>
#include <QSettings>

namespace paydesk::app::profiles {

namespace {

QString group(const QString &name)
{
    return QStringLiteral("profiles/%1").arg(name);
}

} // namespace

QList<Profile> all()
{
    QSettings settings;
    settings.beginGroup(QStringLiteral("profiles"));
    QStringList names = settings.childGroups();
    settings.endGroup();
    names.sort(Qt::CaseInsensitive);
    QList<Profile> list;
    for (const QString &name : std::as_const(names))
        list.append(find(name));
    return list;
}

Profile find(const QString &name)
{
    QSettings settings;
    settings.beginGroup(group(name));
    Profile p;
    p.name = name;
    p.accountId = settings.value(QStringLiteral("accountId")).toString();
    p.accountName = settings.value(QStringLiteral("accountName")).toString();
    p.live = settings.value(QStringLiteral("live"), false).toBool();
    p.hasTestKey = settings.value(QStringLiteral("hasTestKey"), false).toBool();
    p.hasLiveKey = settings.value(QStringLiteral("hasLiveKey"), false).toBool();
    return p;
}

void save(const Profile &p)
{
    QSettings settings;
    settings.beginGroup(group(p.name));
    settings.setValue(QStringLiteral("accountId"), p.accountId);
    settings.setValue(QStringLiteral("accountName"), p.accountName);
    settings.setValue(QStringLiteral("live"), p.live);
    settings.setValue(QStringLiteral("hasTestKey"), p.hasTestKey);
    settings.setValue(QStringLiteral("hasLiveKey"), p.hasLiveKey);
}

void remove(const QString &name)
{
    QSettings().remove(group(name));
}

QString current()
{
    const QString name = QSettings().value(QStringLiteral("currentProfile")).toString();
    return nameProblem(name).isEmpty() ? name : QStringLiteral("default");
}

void setCurrent(const QString &name)
{
    QSettings().setValue(QStringLiteral("currentProfile"), name);
}

QString nameProblem(const QString &name)
{
    if (name.trimmed().isEmpty())
        return QCoreApplication::translate("Profiles", "Give the profile a name.");
    if (name.size() > 40)
        return QCoreApplication::translate("Profiles", "A profile name has at most 40 characters.");
    static const QRegularExpression allowed(QStringLiteral("^[\\p{L}\\p{N} ._-]+$"));
    if (!allowed.match(name).hasMatch())
        return QCoreApplication::translate(
            "Profiles", "A profile name has letters, digits, spaces, '.', '-' and '_' only.");
    return {};
}

} // namespace paydesk::app::profiles
