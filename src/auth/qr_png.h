// QR codes as PNG images, rendered in memory: the QRCodePNG a virtual MFA device is created
// with. libqrencode lays out the symbol (error correction level M, byte mode), libpng writes
// it as an 8-bit grayscale PNG with a four-module quiet zone. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::auth {

inline constexpr int kQrModulePixels = 4;
inline constexpr int kQrQuietZoneModules = 4;

// The PNG bytes of a QR code of `text`; nullopt when the text is too long for a QR code or
// memory runs out.
std::optional<std::string> QrCodePng(std::string_view text);

}  // namespace gatehouse::auth
