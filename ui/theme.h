#pragma once

#include <QString>

namespace paydesk::ui::theme {

// The appearance setting (`appearance/theme`): follow the system, or light or dark whatever
// the system uses. Applied to the whole application, charts included.
enum class Mode { System, Light, Dark };

Mode fromName(const QString &name); // "system", "light", "dark"; anything else: System.
QString name(Mode mode);
Mode saved(); // From QSettings.
// Sets the application's palette (Fusion's light or dark one, or the style's own for System);
// every widget and chart card follows through its palette-change event.
void apply(Mode mode);
// Whether the palette in use is dark (what a chart's theme follows).
bool isDark();

} // namespace paydesk::ui::theme
