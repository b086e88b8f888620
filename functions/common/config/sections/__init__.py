"""Every validation's config section, one module each: the built-in ones and those `greenlight new-validation` adds."""
