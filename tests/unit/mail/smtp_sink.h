// For unit tests that deliver through a real SMTP server: smtp_sink.py (aiosmtpd) in a child
// process, on a free port, keeping what it receives in a directory.
#pragma once

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace gatehouse::mail::testing_support {

inline int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t size = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  ::close(fd);
  return ntohs(address.sin_port);
}

// What the SMTP server received: the envelope and the message's bytes.
struct Received {
  std::string from;
  std::string to;
  std::string data;
};

class SmtpSink {
 public:
  SmtpSink(int port, std::string dir) : port_(port), dir_(std::move(dir)) {
    std::filesystem::create_directories(dir_);
  }
  ~SmtpSink() { Stop(); }

  void Start() {
    pid_ = ::fork();
    if (pid_ == 0) {
      std::string port = std::to_string(port_);
      const std::string script = GATEHOUSE_SOURCE_DIR "/tests/unit/mail/smtp_sink.py";
      ::execl("/usr/bin/python3", "python3", script.c_str(), port.c_str(), dir_.c_str(),
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!std::filesystem::exists(dir_ + "/ready") &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ASSERT_TRUE(std::filesystem::exists(dir_ + "/ready")) << "the SMTP server did not start";
  }

  void Stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
    std::filesystem::remove(dir_ + "/ready");
  }

  // The messages received so far, in order.
  std::vector<Received> Messages() const {
    std::vector<std::filesystem::path> paths;
    for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
      if (entry.path().extension() == ".msg") paths.push_back(entry.path());
    }
    std::sort(paths.begin(), paths.end());
    std::vector<Received> received;
    for (const auto& path : paths) {
      std::ifstream in(path, std::ios::binary);
      std::stringstream s;
      s << in.rdbuf();
      std::string text = s.str();
      size_t first = text.find('\n');
      size_t second = text.find('\n', first + 1);
      received.push_back({text.substr(0, first), text.substr(first + 1, second - first - 1),
                          text.substr(second + 1)});
    }
    return received;
  }

  // Waits up to `timeout` for `count` messages.
  std::vector<Received> WaitFor(
      size_t count, std::chrono::milliseconds timeout = std::chrono::seconds(10)) const {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::vector<Received> received = Messages();
    while (received.size() < count && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      received = Messages();
    }
    return received;
  }

  int port() const { return port_; }

 private:
  int port_;
  std::string dir_;
  pid_t pid_ = -1;
};

}  // namespace gatehouse::mail::testing_support
