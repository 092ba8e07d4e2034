#include "core/thread_name.h"

#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <thread>

namespace gatehouse {
namespace {

// The name as the kernel shows it to top, ps and perf.
std::string KernelName() {
  std::ifstream comm("/proc/self/task/" + std::to_string(syscall(SYS_gettid)) + "/comm");
  std::string name;
  std::getline(comm, name);
  return name;
}

TEST(ThreadNameTest, TheKernelShowsTheName) {
  std::string seen, read;
  std::thread t([&] {
    NameThisThread("audit-recorder");
    seen = KernelName();
    read = ThisThreadName();
  });
  t.join();
  EXPECT_EQ(seen, "audit-recorder");
  EXPECT_EQ(read, "audit-recorder");
}

TEST(ThreadNameTest, ALongNameIsCutToFifteenBytes) {
  std::string seen;
  std::thread t([&] {
    NameThisThread("a-name-longer-than-the-kernel-keeps");
    seen = KernelName();
  });
  t.join();
  EXPECT_EQ(seen, "a-name-longer-t");
}

TEST(ThreadNameTest, NamingOneThreadLeavesTheOthers) {
  const std::string before = ThisThreadName();
  std::thread t([] { NameThisThread("other"); });
  t.join();
  EXPECT_EQ(ThisThreadName(), before);
}

}  // namespace
}  // namespace gatehouse
