// The console's static files (src/console/assets/), embedded in the binary at build time by
// embed_assets.py, so that the server needs nothing beside itself. Immutable; thread-safe.
#pragma once

#include <string_view>

namespace gatehouse::console {

struct Asset {
  std::string_view name;  // "app.js"
  std::string_view content_type;
  std::string_view body;
  std::string_view etag;  // quoted, as the ETag header carries it
};

extern const Asset kAssets[];
extern const int kAssetCount;

// The asset named `name`, or nullptr.
const Asset* FindAsset(std::string_view name);

}  // namespace gatehouse::console
