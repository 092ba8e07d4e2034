// The name a thread shows to the operating system (top -H, ps -L, /proc/PID/task/TID/comm, perf,
// gdb): each long-lived thread of the server names itself after its work ("http",
// "audit-recorder" …), so that a thread's CPU time can be read apart from the others'. Linux
// keeps 15 bytes of a name; a longer one is cut there.
#pragma once

#include <string>
#include <string_view>

namespace gatehouse {

void NameThisThread(std::string_view name);

// The calling thread's name as the operating system holds it.
std::string ThisThreadName();

}  // namespace gatehouse
