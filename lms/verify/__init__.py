"""The certificate's public side: verification by code or QR, and the municipality's registry."""
