#include "ui/theme.h"

#include <QApplication>
#include <QPalette>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>

namespace paydesk::ui::theme {

namespace {

QPalette darkPalette()
{
    QPalette p;
    const QColor window(0x24, 0x27, 0x2e), base(0x1b, 0x1d, 0x22), text(0xe6, 0xe8, 0xec);
    const QColor dim(0x8b, 0x91, 0x9c), accent(0x7a, 0x73, 0xff);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, window);
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::PlaceholderText, dim);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::white);
    p.setColor(QPalette::Highlight, accent);
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x9d, 0x97, 0xff));
    p.setColor(QPalette::Light, QColor(0x3a, 0x3e, 0x47));
    p.setColor(QPalette::Midlight, QColor(0x32, 0x35, 0x3d));
    p.setColor(QPalette::Mid, QColor(0x2c, 0x2f, 0x36));
    p.setColor(QPalette::Dark, QColor(0x16, 0x18, 0x1c));
    p.setColor(QPalette::Shadow, Qt::black);
    for (const QPalette::ColorRole role :
         {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, dim);
    return p;
}

} // namespace

Mode fromName(const QString &name)
{
    if (name == QLatin1String("light"))
        return Mode::Light;
    if (name == QLatin1String("dark"))
        return Mode::Dark;
    return Mode::System;
}

QString name(Mode mode)
{
    switch (mode) {
    case Mode::Light:
        return QStringLiteral("light");
    case Mode::Dark:
        return QStringLiteral("dark");
    case Mode::System:
        break;
    }
    return QStringLiteral("system");
}

Mode saved()
{
    return fromName(QSettings().value(QStringLiteral("appearance/theme")).toString());
}

void apply(Mode mode)
{
    auto *app = qobject_cast<QApplication *>(QCoreApplication::instance());
    if (!app)
        return;
    // The system's own style is kept for "follow the system"; light and dark use Fusion, whose
    // drawing follows the palette everywhere.
    static const QString systemStyle = app->style()->name();
    if (mode == Mode::System) {
        if (QStyle *style = QStyleFactory::create(systemStyle))
            QApplication::setStyle(style);
        QApplication::setPalette(QApplication::style()->standardPalette());
        return;
    }
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QApplication::setPalette(mode == Mode::Dark ? darkPalette()
                                                : QApplication::style()->standardPalette());
}

bool isDark()
{
    return QApplication::palette().color(QPalette::Window).lightness() < 128;
}

} // namespace paydesk::ui::theme
