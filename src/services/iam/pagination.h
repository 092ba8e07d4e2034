// Pagination, shared by every List* operation: IAM's (Marker, MaxItems → IsTruncated, Marker)
// and Organizations' (NextToken, MaxResults → NextToken). A marker is the sort key of the last
// item of the previous page, so a page costs a seek and the page's items, whatever the size of
// the list.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "store/directory.h"

namespace gatehouse::services::iam {

enum class PageStyle { kIam, kOrganizations };

struct PageRequest {
  std::string marker;  // "" for the first page
  size_t max_items = 100;
  PageStyle style = PageStyle::kIam;
};

PageRequest ReadPage(const nlohmann::json& input);
// Organizations' NextToken and MaxResults (1 to 20, default 20).
PageRequest ReadOrganizationsPage(const nlohmann::json& input);

// Sets IsTruncated (and Marker when truncated) on `out`, or NextToken when truncated.
void FinishPage(nlohmann::json& out, bool truncated, const std::string& next_marker,
                PageStyle style = PageStyle::kIam);

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
    if (batch.empty()) break;
    std::string last_key = batch.back()->Key();  // before the items are moved out of `batch`
    for (auto& item : batch) {
      if (!keep(*item)) continue;
      if (items.size() == page.max_items) {
        FinishPage(out, true, items.back()->Key().substr(prefix.size()), page.style);
        return items;
      }
      items.push_back(std::move(item));
    }
    if (batch.size() < chunk) break;
    after = std::move(last_key);
  }
  FinishPage(out, false, "", page.style);
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
      FinishPage(out, true, key(items.back()), page.style);
      return items;
    }
    items.push_back(item);
  }
  FinishPage(out, false, "", page.style);
  return items;
}

// The page of a list in an order of its own (by time, say) rather than by a key: the marker is
// the position of the page's last item, zero-padded so that positions sort as text.
nlohmann::json PositionPage(std::vector<nlohmann::json> items, const PageRequest& page,
                            nlohmann::json& out);

}  // namespace gatehouse::services::iam
