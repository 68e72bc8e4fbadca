//! Firmware program `digits_int8`: runs [`constnet_firmware::workloads::digits_int8_inference`]
//! (integer-only inference; see the crate documentation for how its report
//! is compared with the host's).
#![cfg_attr(target_os = "none", no_std, no_main)]

constnet_firmware::program!(constnet_firmware::workloads::digits_int8_inference);
