# ThreadSanitizer build (GRASSROOTS_TSAN).
add_compile_options(-fsanitize=thread)
add_link_options(-fsanitize=thread)
