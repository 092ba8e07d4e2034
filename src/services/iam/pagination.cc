#include "services/iam/pagination.h"

#include <cstdio>

namespace gatehouse::services::iam {

PageRequest ReadPage(const nlohmann::json& input) {
  PageRequest page;
  if (auto m = input.find("Marker"); m != input.end() && m->is_string()) page.marker = *m;
  if (auto n = input.find("MaxItems"); n != input.end() && n->is_number_integer()) {
    page.max_items = n->get<size_t>();  // the model bounds it to 1…1000
  }
  return page;
}

PageRequest ReadOrganizationsPage(const nlohmann::json& input) {
  PageRequest page;
  page.max_items = 20;
  page.style = PageStyle::kOrganizations;
  if (auto m = input.find("NextToken"); m != input.end() && m->is_string()) page.marker = *m;
  if (auto n = input.find("MaxResults"); n != input.end() && n->is_number_integer()) {
    page.max_items = n->get<size_t>();  // the model bounds it to 1…20
  }
  return page;
}

void FinishPage(nlohmann::json& out, bool truncated, const std::string& next_marker,
                PageStyle style) {
  if (style == PageStyle::kOrganizations) {
    if (truncated) out["NextToken"] = next_marker;
    return;
  }
  out["IsTruncated"] = truncated;
  if (truncated) out["Marker"] = next_marker;
}

nlohmann::json PositionPage(std::vector<nlohmann::json> items, const PageRequest& page,
                            nlohmann::json& out) {
  std::vector<std::pair<std::string, nlohmann::json>> numbered;
  for (size_t i = 0; i < items.size(); ++i) {
    char position[24];
    std::snprintf(position, sizeof position, "%010zu", i);
    numbered.emplace_back(position, std::move(items[i]));
  }
  nlohmann::json list = nlohmann::json::array();
  for (auto& [position, item] : SlicePage(
           numbered, page, [](const auto& p) { return p.first; }, out)) {
    list.push_back(std::move(item));
  }
  return list;
}

}  // namespace gatehouse::services::iam
