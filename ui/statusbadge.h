#pragma once

#include <QLabel>

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
    Tone tone() const { return m_tone; }

private:
    void applyTone();

    Tone m_tone = Tone::Neutral;
};

} // namespace paydesk::ui
