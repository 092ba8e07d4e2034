#include "auth/qr_png.h"

#include <png.h>
#include <qrencode.h>

#include <algorithm>
#include <memory>
#include <vector>

namespace gatehouse::auth {
namespace {

struct QrFree {
  void operator()(QRcode* code) const { QRcode_free(code); }
};

}  // namespace

std::optional<std::string> QrCodePng(std::string_view text) {
  std::string terminated(text);  // libqrencode reads a C string
  std::unique_ptr<QRcode, QrFree> code(
      QRcode_encodeString8bit(terminated.c_str(), 0, QR_ECLEVEL_M));
  if (code == nullptr) return std::nullopt;

  const int modules = code->width + 2 * kQrQuietZoneModules;
  const int side = modules * kQrModulePixels;
  std::vector<unsigned char> pixels(static_cast<size_t>(side) * side, 0xff);
  for (int y = 0; y < code->width; ++y) {
    for (int x = 0; x < code->width; ++x) {
      // Bit 0 of each module byte is its color: 1 dark, 0 light.
      if ((code->data[y * code->width + x] & 1) == 0) continue;
      int top = (y + kQrQuietZoneModules) * kQrModulePixels;
      int left = (x + kQrQuietZoneModules) * kQrModulePixels;
      for (int dy = 0; dy < kQrModulePixels; ++dy) {
        std::fill_n(pixels.begin() + (static_cast<size_t>(top + dy) * side + left), kQrModulePixels,
                    0x00);
      }
    }
  }

  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  image.width = static_cast<png_uint_32>(side);
  image.height = static_cast<png_uint_32>(side);
  image.format = PNG_FORMAT_GRAY;
  png_alloc_size_t size = 0;
  if (!png_image_write_to_memory(&image, nullptr, &size, 0, pixels.data(), side, nullptr)) {
    return std::nullopt;
  }
  std::string png(size, '\0');
  if (!png_image_write_to_memory(&image, png.data(), &size, 0, pixels.data(), side, nullptr)) {
    png_image_free(&image);
    return std::nullopt;
  }
  png.resize(size);
  return png;
}

}  // namespace gatehouse::auth
