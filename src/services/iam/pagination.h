// IAM's pagination (Marker, MaxItems → IsTruncated, Marker), shared by every List* operation.
// A marker is the sort key of the last item of the previous page, so a page costs a seek and
// the page's items, whatever the size of the list.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/directory.h"

namespace gatehouse::services::iam {

struct PageRequest {
  std::string marker;  // "" for the first page
  size_t max_items = 100;
};

PageRequest ReadPage(const nlohmann::json& input);

// Sets IsTruncated (and Marker when truncated) on `out`.
void FinishPage(nlohmann::json& out, bool truncated, const std::string& next_marker);

// The page of directory records under `prefix` that `keep` accepts, after the marker.
template <typename T, typename Keep>
std::vector<std::shared_ptr<const T>> ScanPage(const store::Directory& directory,
                                               const std::string& prefix, const PageRequest& page,
                                               Keep keep, nlohmann::json& out) {
  std::vector<std::shared_ptr<const T>> items;
  std::string after = page.marker.empty() ? "" : prefix + page.marker;
  const size_t chunk = page.max_items + 1;
  while (true) {
    auto batch = directory.Scan<T>(prefix, after, chunk);
    if (batch.size() == chunk) after = batch.back()->Key();  // before the items move out
    for (auto& item : batch) {
      if (!keep(*item)) continue;
      if (items.size() == page.max_items) {
        FinishPage(out, true, items.back()->Key().substr(prefix.size()));
        return items;
      }
      items.push_back(std::move(item));
    }
    if (batch.size() < chunk) break;
  }
  FinishPage(out, false, "");
  return items;
}

// The page of an already sorted list; key(item) gives each item's sort key.
template <typename T, typename Key>
std::vector<T> SlicePage(const std::vector<T>& sorted, const PageRequest& page, Key key,
                         nlohmann::json& out) {
  std::vector<T> items;
  for (const T& item : sorted) {
    if (!page.marker.empty() && !(page.marker < key(item))) continue;
    if (items.size() == page.max_items) {
      FinishPage(out, true, key(items.back()));
      return items;
    }
    items.push_back(item);
  }
  FinishPage(out, false, "");
  return items;
}

}  // namespace gatehouse::services::iam
