#pragma once

// Small helpers shared by the benchmarks: the median of repeated runs, and memory figures of
// a process from /proc.
#include <QByteArray>
#include <QFile>
#include <QString>

#include <algorithm>
#include <vector>

namespace paydesk::bench {

inline double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

// A field of /proc/PID/status in KiB ("VmHWM:" = peak RSS, "VmRSS:"); pid 0: this process.
inline qint64 procStatusKiB(const char *field, qint64 pid = 0)
{
    QFile status(pid ? QStringLiteral("/proc/%1/status").arg(pid)
                     : QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray name(field);
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith(name))
            return line.mid(name.size()).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

} // namespace paydesk::bench
