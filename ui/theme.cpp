#include "ui/theme.h"

#include <QApplication>
#include <QPainter>
#include <QPalette>
#include <QProxyStyle>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>
#include <QStyleOption>

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

// Fusion with a focus ring a keyboard user can see: Fusion marks a focused button by a
// one-pixel tint of its border, which in the dark palette (and barely in the light one) cannot
// be told from the others. A two-pixel ring in the highlight colour, when focus came from the
// keyboard (as a browser's :focus-visible), on buttons and wherever Fusion draws a focus frame.
class FocusRingStyle final : public QProxyStyle
{
public:
    explicit FocusRingStyle(QStyle *base)
        : QProxyStyle(base)
    { }

    void drawPrimitive(PrimitiveElement element, const QStyleOption *option, QPainter *painter,
                       const QWidget *widget) const override
    {
        if (element == PE_FrameFocusRect) {
            ring(option, painter, option->rect);
            return;
        }
        QProxyStyle::drawPrimitive(element, option, painter, widget);
        if ((element == PE_PanelButtonCommand || element == PE_PanelButtonTool)
            && (option->state & State_HasFocus) && (option->state & State_KeyboardFocusChange))
            ring(option, painter, option->rect.adjusted(1, 1, -1, -1));
    }

    void drawComplexControl(ComplexControl control, const QStyleOptionComplex *option,
                            QPainter *painter, const QWidget *widget) const override
    {
        QProxyStyle::drawComplexControl(control, option, painter, widget);
        // Tool buttons (Copy ID, Open in Stripe, ✕) draw no panel until hovered.
        if (control == CC_ToolButton && (option->state & State_HasFocus)
            && (option->state & State_KeyboardFocusChange))
            ring(option, painter, option->rect);
    }

private:
    static void ring(const QStyleOption *option, QPainter *painter, const QRect &rect)
    {
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing);
        QPen pen(option->palette.color(QPalette::Highlight), 2);
        painter->setPen(pen);
        painter->setBrush(Qt::NoBrush);
        painter->drawRoundedRect(QRectF(rect).adjusted(1, 1, -1, -1), 3, 3);
        painter->restore();
    }
};

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
    QApplication::setStyle(new FocusRingStyle(QStyleFactory::create(QStringLiteral("Fusion"))));
    QApplication::setPalette(mode == Mode::Dark ? darkPalette()
                                                : QApplication::style()->standardPalette());
}

bool isDark()
{
    return QApplication::palette().color(QPalette::Window).lightness() < 128;
}

} // namespace paydesk::ui::theme
