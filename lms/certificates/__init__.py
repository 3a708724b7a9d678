"""A certificate's life: issue, sign, print, revoke."""
