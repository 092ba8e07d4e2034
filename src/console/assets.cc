#include "console/assets.h"

namespace gatehouse::console {

const Asset* FindAsset(std::string_view name) {
  if (name.empty()) return nullptr;
  for (int i = 0; i < kAssetCount; ++i) {
    if (kAssets[i].name == name) return &kAssets[i];
  }
  return nullptr;
}

}  // namespace gatehouse::console
