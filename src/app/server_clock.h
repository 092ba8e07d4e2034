// The server's clock, in seconds since the epoch. Tests move it with the hidden
// --clock-offset-file: a file holding a number of seconds added to the system clock, read again
// whenever it changes. Unset, the clock is the system's and nothing is read. Thread-safe.
#pragma once

#include <cstdint>
#include <string>

namespace gatehouse::app {

// Set once, before any thread reads the clock.
void SetClockOffsetFile(std::string path);

int64_t NowSeconds();

}  // namespace gatehouse::app
