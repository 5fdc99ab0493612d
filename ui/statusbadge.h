#pragma once

#include <QColor>
#include <QLabel>

#include <utility>

namespace paydesk::ui {

/*
 * A rounded, coloured pill with a text label ("TEST MODE", "Succeeded", "Offline"). Meaning is
 * always carried by the text as well as the colour, for colour-blind users.
 */
class StatusBadge final : public QLabel
{
    Q_OBJECT
public:
    enum class Tone { Neutral, Info, Success, Warning, Danger };

    explicit StatusBadge(QWidget *parent = nullptr);
    StatusBadge(const QString &text, Tone tone, QWidget *parent = nullptr);

    void setTone(Tone tone);
    // The tone of a Stripe status value ("succeeded", "past_due", "needs_response", …).
    static Tone toneFor(const QString &status);
    // Background and text colours of a soft status pill of a tone (4.5:1 contrast or more).
    static std::pair<QColor, QColor> colours(Tone tone);
    Tone tone() const { return m_tone; }

private:
    void applyTone();

    Tone m_tone = Tone::Neutral;
};

} // namespace paydesk::ui
