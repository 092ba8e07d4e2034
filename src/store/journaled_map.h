// JournaledMap: an ordered map whose changes can be undone, for stores that keep their tables in
// memory (MemoryTables). Each change records how to undo it in a Journal shared by every table
// of one database; Journal::Undo reverts all of them, newest first, and Journal::Forget makes
// them permanent — a transaction's rollback and commit. Not thread-safe: its owner locks.
#pragma once

#include <functional>
#include <map>
#include <utility>
#include <vector>

namespace gatehouse::store {

class Journal {
 public:
  Journal() = default;
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  void Record(std::function<void()> undo) { undo_.push_back(std::move(undo)); }
  // Reverts every change recorded since the last Undo or Forget, newest first.
  void Undo() {
    for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) (*it)();
    undo_.clear();
  }
  void Forget() { undo_.clear(); }

 private:
  std::vector<std::function<void()>> undo_;
};

template <typename K, typename V>
class JournaledMap {
 public:
  explicit JournaledMap(Journal& journal) : journal_(journal) {}
  // The undo actions refer to this map: it never moves.
  JournaledMap(const JournaledMap&) = delete;
  JournaledMap& operator=(const JournaledMap&) = delete;

  const std::map<K, V>& rows() const { return rows_; }
  const V* Find(const K& key) const {
    auto it = rows_.find(key);
    return it == rows_.end() ? nullptr : &it->second;
  }
  // Adds `value` at `key`; false, changing nothing, when `key` is taken.
  bool Insert(const K& key, V value) {
    if (rows_.count(key) != 0) return false;
    Remember(key);
    rows_.emplace(key, std::move(value));
    return true;
  }
  // Adds or replaces.
  void Set(const K& key, V value) {
    Remember(key);
    rows_.insert_or_assign(key, std::move(value));
  }
  // False when there was nothing at `key`.
  bool Erase(const K& key) {
    if (rows_.count(key) == 0) return false;
    Remember(key);
    rows_.erase(key);
    return true;
  }

 private:
  // Records how to bring `key` back to what it holds now.
  void Remember(const K& key) {
    auto it = rows_.find(key);
    if (it == rows_.end()) {
      journal_.Record([this, key] { rows_.erase(key); });
    } else {
      journal_.Record([this, key, old = it->second] { rows_.insert_or_assign(key, old); });
    }
  }

  Journal& journal_;
  std::map<K, V> rows_;
};

}  // namespace gatehouse::store
