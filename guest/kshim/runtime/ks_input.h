/* Between the input core (ks_input.c) and the event devices (ks_evdev.c). */
#ifndef KS_INPUT_H
#define KS_INPUT_H
#include <linux/input.h>

/* The core: references, open/close by the users of a device, events written to it. */
void ks_input_get(struct input_dev *dev);
void ks_input_put(struct input_dev *dev);
int ks_input_open_device(struct input_dev *dev);
void ks_input_close_device(struct input_dev *dev);
void ks_input_inject_event(struct input_dev *dev, unsigned int type, unsigned int code, int value);
void *ks_input_alloc(struct input_dev *dev, size_t size, const char *file, int line);

/* The event device of an input device: made at registration, told of every packet (with
 * dev->event_lock held), removed at unregistration. */
int ks_evdev_connect(struct input_dev *dev);
void ks_evdev_events(struct input_dev *dev, const struct input_value *vals, unsigned int n);
void ks_evdev_disconnect(struct input_dev *dev);
#endif
