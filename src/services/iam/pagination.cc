#include "services/iam/pagination.h"

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

}  // namespace gatehouse::services::iam
