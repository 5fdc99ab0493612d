#pragma once

#include <QList>
#include <QString>

namespace paydesk::app {

/*
 * The profiles (Stripe accounts) Paydesk knows, in QSettings: each one's name, the account it
 * connected to, and which modes have a key in the keychain — never a key. One profile is the
 * current one, opened when the window starts.
 */
struct Profile
{
    QString name;
    QString accountId; // acct_…, once connected.
    QString accountName;
    bool live = false; // The mode last used.
    bool hasTestKey = false; // A key is stored in the keychain for the mode.
    bool hasLiveKey = false;
};

namespace profiles {

QList<Profile> all();
Profile find(const QString &name); // A profile of that name with nothing known if none.
void save(const Profile &profile);
void remove(const QString &name);
QString current(); // "default" when none was chosen.
void setCurrent(const QString &name);
// Why a name cannot be a profile's (empty, too long, or characters other than letters,
// digits, space, '-', '_', '.'); empty when it can.
QString nameProblem(const QString &name);

} // namespace profiles

} // namespace paydesk::app
