/* The frame-buffer registry (linux/fb.h): the shim has no frame buffers, none is registered. */
#include <linux/fb.h>

struct fb_info *registered_fb[FB_MAX];
int num_registered_fb;
