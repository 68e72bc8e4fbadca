/// A trained `Sine<f32>`: 321 parameters, 0 buffer values and 0 counts of
/// tracked batches, every value as its exact IEEE bit pattern.
/// Written by constnet's `interop::rust_source`; regenerate it, do not edit it.
#[rustfmt::skip]
pub static MODEL: Sine<f32> = Sine::<f32>::from_parts(
    [
        // fc1.weight [16, 1]
        f32::from_bits(0x3f4c_d236), // [0, 0] 0.80008256
        f32::from_bits(0x3f18_0949), // [1, 0] 0.5938917
        f32::from_bits(0x3f69_e55a), // [2, 0] 0.9136559
        f32::from_bits(0x3e54_abf7), // [3, 0] 0.20768724
        f32::from_bits(0xbf52_770c), // [4, 0] -0.822129
        f32::from_bits(0x3f10_080e), // [5, 0] 0.5626229
        f32::from_bits(0xbf15_c6de), // [6, 0] -0.5850657
        f32::from_bits(0xbf66_36f1), // [7, 0] -0.89927584
        f32::from_bits(0x3eba_10b3), // [8, 0] 0.36340865
        f32::from_bits(0xbe23_659b), // [9, 0] -0.15956728
        f32::from_bits(0x3e86_5415), // [10, 0] 0.26236024
        f32::from_bits(0xbebd_ba4b), // [11, 0] -0.37056193
        f32::from_bits(0xbf3b_3530), // [12, 0] -0.7312803
        f32::from_bits(0xbedf_8633), // [13, 0] -0.43657073
        f32::from_bits(0xbf37_cca3), // [14, 0] -0.71796626
        f32::from_bits(0x3f2b_fe58), // [15, 0] 0.6718497
        // fc1.bias [16]
        f32::from_bits(0xbf8b_dcd2), // [0] -1.0926764
        f32::from_bits(0x3ee5_bd09), // [1] 0.44870785
        f32::from_bits(0x3f7c_7b1e), // [2] 0.9862536
        f32::from_bits(0xbead_6ef5), // [3] -0.33873716
        f32::from_bits(0xbf83_faac), // [4] -1.0310874
        f32::from_bits(0xbdfa_9828), // [5] -0.12236053
        f32::from_bits(0x3f93_59c3), // [6] 1.1511768
        f32::from_bits(0x3f52_dea2), // [7] 0.8237096
        f32::from_bits(0x3f59_212c), // [8] 0.8481624
        f32::from_bits(0x3f8d_496b), // [9] 1.103803
        f32::from_bits(0xbedf_4bd2), // [10] -0.43612534
        f32::from_bits(0xbec7_c188), // [11] -0.3901484
        f32::from_bits(0xbf7d_8965), // [12] -0.9903777
        f32::from_bits(0xbf2f_976d), // [13] -0.6859043
        f32::from_bits(0x3f01_9e4d), // [14] 0.5063217
        f32::from_bits(0xbf5d_a9dc), // [15] -0.8658731
        // fc2.weight [16, 16]
        f32::from_bits(0x3d33_4559), // [0, 0] 0.043767307
        f32::from_bits(0x3df1_3a81), // [0, 1] 0.11778737
        f32::from_bits(0xbe3e_5b34), // [0, 2] -0.18589479
        f32::from_bits(0x3e38_dde3), // [0, 3] 0.18053393
        f32::from_bits(0xbe4c_8f36), // [0, 4] -0.19976506
        f32::from_bits(0x3e1c_a5a6), // [0, 5] 0.15297565
        f32::from_bits(0xbe77_3bec), // [0, 6] -0.24143952
        f32::from_bits(0x3bfe_2e40), // [0, 7] 0.0077569783
        f32::from_bits(0xbe30_3ced), // [0, 8] -0.17210741
        f32::from_bits(0xbda8_7bed), // [0, 9] -0.08226762
        f32::from_bits(0xbd07_9ce7), // [0, 10] -0.033108618
        f32::from_bits(0xbe12_78bb), // [0, 11] -0.14303868
        f32::from_bits(0xbda8_b54a), // [0, 12] -0.08237703
        f32::from_bits(0x3dd5_9eed), // [0, 13] 0.10430703
        f32::from_bits(0xbe29_05cf), // [0, 14] -0.16506122
        f32::from_bits(0xbe76_8719), // [0, 15] -0.24074973
        f32::from_bits(0xbd89_0c68), // [1, 0] -0.066918194
        f32::from_bits(0x3cb5_5bf4), // [1, 1] 0.022138573
        f32::from_bits(0x3e61_dd21), // [1, 2] 0.2205701
        f32::from_bits(0xbe2d_5219), // [1, 3] -0.16925849
        f32::from_bits(0x3dae_b44e), // [1, 4] 0.08530484
        f32::from_bits(0x3d01_3ec0), // [1, 5] 0.031553984
        f32::from_bits(0xbe26_d0ea), // [1, 6] -0.16290632
        f32::from_bits(0xbdf9_a46a), // [1, 7] -0.121895626
        f32::from_bits(0x3c35_199f), // [1, 8] 0.011053472
        f32::from_bits(0x3e74_0251), // [1, 9] 0.23829009
        f32::from_bits(0xbe63_c96c), // [1, 10] -0.22244805
        f32::from_bits(0xbe34_94fb), // [1, 11] -0.17634957
        f32::from_bits(0x3e6c_9e78), // [1, 12] 0.23107326
        f32::from_bits(0x3e5f_a0c4), // [1, 13] 0.21838671
        f32::from_bits(0xbe8c_7a0e), // [1, 14] -0.2743687
        f32::from_bits(0xbcdc_d7b5), // [1, 15] -0.026958326
        f32::from_bits(0x3e8b_adb8), // [2, 0] 0.27280974
        f32::from_bits(0x3e8b_fa3a), // [2, 1] 0.27339345
        f32::from_bits(0x3e0a_65d7), // [2, 2] 0.13515411
        f32::from_bits(0x3ecd_8678), // [2, 3] 0.40141654
        f32::from_bits(0xbe4f_44f4), // [2, 4] -0.20241147
        f32::from_bits(0x3d5b_c399), // [2, 5] 0.053653333
        f32::from_bits(0x3e3f_ca5a), // [2, 6] 0.18729535
        f32::from_bits(0xbdb9_2c60), // [2, 7] -0.09041667
        f32::from_bits(0x3d76_8f84), // [2, 8] 0.06019546
        f32::from_bits(0xbddc_2147), // [2, 9] -0.10748535
        f32::from_bits(0x3dce_85fd), // [2, 10] 0.1008415
        f32::from_bits(0xbd67_ce80), // [2, 11] -0.056593418
        f32::from_bits(0xbd58_b8ff), // [2, 12] -0.0529108
        f32::from_bits(0x3d37_a930), // [2, 13] 0.044839084
        f32::from_bits(0xbca5_d629), // [2, 14] -0.020243721
        f32::from_bits(0x3db9_0505), // [2, 15] 0.090341605
        f32::from_bits(0xbdb5_22ff), // [3, 0] -0.088445656
        f32::from_bits(0xbc0d_6a8e), // [3, 1] -0.008631362
        f32::from_bits(0xbdb5_b09f), // [3, 2] -0.088715784
        f32::from_bits(0x3d91_871f), // [3, 3] 0.071058504
        f32::from_bits(0xbf27_9797), // [3, 4] -0.6546568
        f32::from_bits(0xbe93_ac37), // [3, 5] -0.28842327
        f32::from_bits(0x3e61_2665), // [3, 6] 0.21987303
        f32::from_bits(0x3e83_e6e4), // [3, 7] 0.25762093
        f32::from_bits(0x3e27_d2c1), // [3, 8] 0.1638899
        f32::from_bits(0x3e46_32bb), // [3, 9] 0.1935529
        f32::from_bits(0x3e2b_0aff), // [3, 10] 0.16703413
        f32::from_bits(0xbe58_3c5f), // [3, 11] -0.2111678
        f32::from_bits(0xbf4b_5cfc), // [3, 12] -0.7943876
        f32::from_bits(0xbe7a_8091), // [3, 13] -0.24463107
        f32::from_bits(0x3da4_8aba), // [3, 14] 0.080342725
        f32::from_bits(0xbb0a_7b8e), // [3, 15] -0.0021130773
        f32::from_bits(0x3d92_824c), // [4, 0] 0.071537584
        f32::from_bits(0xbd87_4d34), // [4, 1] -0.06606522
        f32::from_bits(0xbe13_17e9), // [4, 2] -0.1436459
        f32::from_bits(0x3e3f_6e45), // [4, 3] 0.18694408
        f32::from_bits(0xbe25_cfa1), // [4, 4] -0.16192485
        f32::from_bits(0xbe7f_e37a), // [4, 5] -0.24989119
        f32::from_bits(0xbd43_9ebd), // [4, 6] -0.047758806
        f32::from_bits(0xbe00_a967), // [4, 7] -0.12564622
        f32::from_bits(0x3e3e_6719), // [4, 8] 0.18594016
        f32::from_bits(0x3de6_c432), // [4, 9] 0.1126789
        f32::from_bits(0xbded_f48a), // [4, 10] -0.11618908
        f32::from_bits(0xbd98_f730), // [4, 11] -0.07469022
        f32::from_bits(0xbe12_d440), // [4, 12] -0.1433878
        f32::from_bits(0xbd53_8a0b), // [4, 13] -0.05164532
        f32::from_bits(0xbe2b_fde9), // [4, 14] -0.16796078
        f32::from_bits(0x3e0d_92cc), // [4, 15] 0.1382553
        f32::from_bits(0xbe1e_00f2), // [5, 0] -0.15430048
        f32::from_bits(0x3e85_59d4), // [5, 1] 0.26045096
        f32::from_bits(0x3d3d_b3c4), // [5, 2] 0.046314016
        f32::from_bits(0xbe77_9e32), // [5, 3] -0.2418144
        f32::from_bits(0xbee1_c540), // [5, 4] -0.44095802
        f32::from_bits(0xbe16_e88a), // [5, 5] -0.14737144
        f32::from_bits(0x3d81_929c), // [5, 6] 0.06326792
        f32::from_bits(0xbe83_6255), // [5, 7] -0.2566096
        f32::from_bits(0xbdef_ed01), // [5, 8] -0.11715127
        f32::from_bits(0x3f19_3436), // [5, 9] 0.5984529
        f32::from_bits(0xbec6_602c), // [5, 10] -0.38745248
        f32::from_bits(0xbea7_8392), // [5, 11] -0.32717568
        f32::from_bits(0xbecb_5302), // [5, 12] -0.39711767
        f32::from_bits(0xbdbd_e133), // [5, 13] -0.09271469
        f32::from_bits(0x3d10_e3d7), // [5, 14] 0.035373535
        f32::from_bits(0xbea9_7a67), // [5, 15] -0.33101198
        f32::from_bits(0x3e12_1477), // [6, 0] 0.14265619
        f32::from_bits(0xbe0d_b507), // [6, 1] -0.13838588
        f32::from_bits(0x3e45_b5c5), // [6, 2] 0.19307621
        f32::from_bits(0xbe3c_63eb), // [6, 3] -0.1839749
        f32::from_bits(0xbe73_bcb9), // [6, 4] -0.2380246
        f32::from_bits(0xbe53_e24d), // [6, 5] -0.20691796
        f32::from_bits(0x3d94_6e58), // [6, 6] 0.07247609
        f32::from_bits(0xbe89_e565), // [6, 7] -0.26932827
        f32::from_bits(0x3c8d_5fdb), // [6, 8] 0.017257622
        f32::from_bits(0xbd29_4b4b), // [6, 9] -0.04133157
        f32::from_bits(0xbe33_fa6a), // [6, 10] -0.17575994
        f32::from_bits(0xbd84_f236), // [6, 11] -0.064915106
        f32::from_bits(0xbe5c_7825), // [6, 12] -0.21530207
        f32::from_bits(0x3d95_53ae), // [6, 13] 0.07291351
        f32::from_bits(0xbe54_27a6), // [6, 14] -0.2071825
        f32::from_bits(0x3c8c_7370), // [6, 15] 0.017144889
        f32::from_bits(0xbec4_f726), // [7, 0] -0.3846981
        f32::from_bits(0x3e6b_5136), // [7, 1] 0.22980198
        f32::from_bits(0x3e56_dfb6), // [7, 2] 0.20983776
        f32::from_bits(0xbed8_15e8), // [7, 3] -0.42204213
        f32::from_bits(0xbd6f_3f84), // [7, 4] -0.058410183
        f32::from_bits(0xbe8f_ffee), // [7, 5] -0.28124946
        f32::from_bits(0xbe58_1ef4), // [7, 6] -0.21105558
        f32::from_bits(0x3caf_ed37), // [7, 7] 0.021475418
        f32::from_bits(0x3e88_521b), // [7, 8] 0.26625142
        f32::from_bits(0x3e59_4780), // [7, 9] 0.21218681
        f32::from_bits(0xbea3_8f37), // [7, 10] -0.31945202
        f32::from_bits(0xbe54_26c4), // [7, 11] -0.20717913
        f32::from_bits(0xbe7c_2a52), // [7, 12] -0.24625519
        f32::from_bits(0xbddd_116a), // [7, 13] -0.10794337
        f32::from_bits(0xbdbf_5b22), // [7, 14] -0.09343554
        f32::from_bits(0xbef3_847d), // [7, 15] -0.47562018
        f32::from_bits(0xbf1e_f784), // [8, 0] -0.6209643
        f32::from_bits(0xbe03_815f), // [8, 1] -0.1284232
        f32::from_bits(0xbcdb_0918), // [8, 2] -0.026737735
        f32::from_bits(0xbf02_c356), // [8, 3] -0.5107931
        f32::from_bits(0xbe66_8742), // [8, 4] -0.22512534
        f32::from_bits(0xbc4e_f0c0), // [8, 5] -0.012630641
        f32::from_bits(0x3e9f_a707), // [8, 6] 0.3118212
        f32::from_bits(0x3e25_dced), // [8, 7] 0.16197558
        f32::from_bits(0x3e59_917b), // [8, 8] 0.21246903
        f32::from_bits(0x3e29_d2d4), // [8, 9] 0.16584331
        f32::from_bits(0xbcff_19fd), // [8, 10] -0.031140322
        f32::from_bits(0xbe14_c34e), // [8, 11] -0.14527628
        f32::from_bits(0xbeff_e2d9), // [8, 12] -0.4997776
        f32::from_bits(0xbf01_f3bd), // [8, 13] -0.5076254
        f32::from_bits(0xbd28_00d6), // [8, 14] -0.041016422
        f32::from_bits(0xbf04_b62a), // [8, 15] -0.5184046
        f32::from_bits(0xbe82_c4dc), // [9, 0] -0.25540817
        f32::from_bits(0xbe3e_76b3), // [9, 1] -0.18599968
        f32::from_bits(0xbd87_4210), // [9, 2] -0.06604397
        f32::from_bits(0xbdbb_b46d), // [9, 3] -0.09165273
        f32::from_bits(0x3e1d_19fc), // [9, 4] 0.15341944
        f32::from_bits(0x3cab_0cf7), // [9, 5] 0.020880206
        f32::from_bits(0xbe07_3e50), // [9, 6] -0.13207364
        f32::from_bits(0x3d29_6d3a), // [9, 7] 0.041363932
        f32::from_bits(0x3e3a_5761), // [9, 8] 0.18197395
        f32::from_bits(0xbdd2_f6a4), // [9, 9] -0.10300949
        f32::from_bits(0xbdd2_e125), // [9, 10] -0.10296849
        f32::from_bits(0xbd80_e7ca), // [9, 11] -0.0629421
        f32::from_bits(0xbe63_ee6f), // [9, 12] -0.22258924
        f32::from_bits(0x3e0e_ca21), // [9, 13] 0.13944294
        f32::from_bits(0x3d41_73db), // [9, 14] 0.04722963
        f32::from_bits(0x3e03_4a85), // [9, 15] 0.12821396
        f32::from_bits(0xbee7_6d02), // [10, 0] -0.45200354
        f32::from_bits(0x3e5a_9450), // [10, 1] 0.21345639
        f32::from_bits(0x3e90_330f), // [10, 2] 0.28163955
        f32::from_bits(0xbdcb_577d), // [10, 3] -0.099287964
        f32::from_bits(0xbe90_6610), // [10, 4] -0.28202868
        f32::from_bits(0xbe2f_90e2), // [10, 5] -0.17145112
        f32::from_bits(0x3df8_717c), // [10, 6] 0.121310204
        f32::from_bits(0xbe1c_7c53), // [10, 7] -0.15281801
        f32::from_bits(0xbe18_05bd), // [10, 8] -0.14845939
        f32::from_bits(0x3e01_b34a), // [10, 9] 0.1266605
        f32::from_bits(0xbd31_bf33), // [10, 10] -0.043395232
        f32::from_bits(0xbe2d_f99b), // [10, 11] -0.16989748
        f32::from_bits(0xbe37_f9a8), // [10, 12] -0.1796633
        f32::from_bits(0x3da4_7cac), // [10, 13] 0.08031592
        f32::from_bits(0xbd9f_af57), // [10, 14] -0.07797115
        f32::from_bits(0xbeb6_2914), // [10, 15] -0.35578215
        f32::from_bits(0xbe05_de04), // [11, 0] -0.13072973
        f32::from_bits(0x3d56_82f2), // [11, 1] 0.052370973
        f32::from_bits(0xbde1_16d8), // [11, 2] -0.10990685
        f32::from_bits(0x3de1_4b7d), // [11, 3] 0.11000726
        f32::from_bits(0xbdc4_db6d), // [11, 4] -0.09612165
        f32::from_bits(0xbe18_9b3b), // [11, 5] -0.14902966
        f32::from_bits(0x3cbc_dd82), // [11, 6] 0.023054842
        f32::from_bits(0xbe06_9b43), // [11, 7] -0.13145165
        f32::from_bits(0xbe6e_86a9), // [11, 8] -0.23293556
        f32::from_bits(0x3e4d_5e9f), // [11, 9] 0.20055626
        f32::from_bits(0xbe75_c750), // [11, 10] -0.24001813
        f32::from_bits(0xbe0a_6843), // [11, 11] -0.13516335
        f32::from_bits(0x3e59_94df), // [11, 12] 0.21248196
        f32::from_bits(0xbdf4_4e30), // [11, 13] -0.119289756
        f32::from_bits(0xbdc5_b8db), // [11, 14] -0.09654399
        f32::from_bits(0xbd8a_8a8c), // [11, 15] -0.06764707
        f32::from_bits(0xbe7b_1d08), // [12, 0] -0.24522793
        f32::from_bits(0x3e47_d2eb), // [12, 1] 0.19514053
        f32::from_bits(0x3e4d_513c), // [12, 2] 0.2005052
        f32::from_bits(0xbe6d_f354), // [12, 3] -0.23237354
        f32::from_bits(0xbe77_def7), // [12, 4] -0.24206148
        f32::from_bits(0xbe19_1d1b), // [12, 5] -0.14952509
        f32::from_bits(0xbdaf_979a), // [12, 6] -0.085738376
        f32::from_bits(0xbd86_9e9b), // [12, 7] -0.0657322
        f32::from_bits(0x3e30_4436), // [12, 8] 0.1721352
        f32::from_bits(0x3e61_7f86), // [12, 9] 0.22021303
        f32::from_bits(0x3e1c_60bf), // [12, 10] 0.1527128
        f32::from_bits(0x3e1a_df67), // [12, 11] 0.15124284
        f32::from_bits(0xbda8_e254), // [12, 12] -0.08246294
        f32::from_bits(0xbdea_1f2c), // [12, 13] -0.11431727
        f32::from_bits(0xbe71_6882), // [12, 14] -0.23575023
        f32::from_bits(0xbea6_7656), // [12, 15] -0.32512158
        f32::from_bits(0xbf07_3711), // [13, 0] -0.528184
        f32::from_bits(0xbe84_3aa6), // [13, 1] -0.25825995
        f32::from_bits(0x3c1b_10c8), // [13, 2] 0.00946445
        f32::from_bits(0xbe29_d572), // [13, 3] -0.16585329
        f32::from_bits(0xbed4_3666), // [13, 4] -0.41447753
        f32::from_bits(0xbe63_1132), // [13, 5] -0.22174528
        f32::from_bits(0xbd4e_3834), // [13, 6] -0.05034657
        f32::from_bits(0x3e1b_7373), // [13, 7] 0.15180759
        f32::from_bits(0x3eb6_d999), // [13, 8] 0.3571289
        f32::from_bits(0x3ee1_a182), // [13, 9] 0.44068533
        f32::from_bits(0xbd33_6ca4), // [13, 10] -0.04380478
        f32::from_bits(0xbe98_230c), // [13, 11] -0.2971424
        f32::from_bits(0xbee9_44af), // [13, 12] -0.45560214
        f32::from_bits(0xbf1e_16eb), // [13, 13] -0.6175372
        f32::from_bits(0x3df9_f08b), // [13, 14] 0.12204083
        f32::from_bits(0xbf25_e39e), // [13, 15] -0.6480044
        f32::from_bits(0x3b76_181a), // [14, 0] 0.0037550987
        f32::from_bits(0xbe0a_8f95), // [14, 1] -0.13531335
        f32::from_bits(0x3df4_78e7), // [14, 2] 0.11937123
        f32::from_bits(0x3df4_916a), // [14, 3] 0.11941798
        f32::from_bits(0xbd99_893a), // [14, 4] -0.07496877
        f32::from_bits(0xbe50_9df7), // [14, 5] -0.20372759
        f32::from_bits(0x3dd7_2e4b), // [14, 6] 0.105068766
        f32::from_bits(0xbe5e_c87f), // [14, 7] -0.2175617
        f32::from_bits(0xbe81_b79e), // [14, 8] -0.253354
        f32::from_bits(0xbe29_4d3f), // [14, 9] -0.16533373
        f32::from_bits(0xbe7d_09a3), // [14, 10] -0.24710707
        f32::from_bits(0xbcd1_a016), // [14, 11] -0.02558903
        f32::from_bits(0x3de9_e3aa), // [14, 12] 0.114203766
        f32::from_bits(0xbe79_9de4), // [14, 13] -0.24376637
        f32::from_bits(0x3e0f_2db2), // [14, 14] 0.13982275
        f32::from_bits(0x3cef_a6b8), // [14, 15] 0.029254302
        f32::from_bits(0xbe40_087d), // [15, 0] -0.18753238
        f32::from_bits(0x3a8f_f3d3), // [15, 1] 0.00109827
        f32::from_bits(0x3dc5_42ba), // [15, 2] 0.09631868
        f32::from_bits(0x3c90_859b), // [15, 3] 0.017641833
        f32::from_bits(0xbd9b_ba0a), // [15, 4] -0.076038435
        f32::from_bits(0xbd89_e6d2), // [15, 5] -0.067334786
        f32::from_bits(0xbdf6_69c4), // [15, 6] -0.12031892
        f32::from_bits(0xbe70_e726), // [15, 7] -0.23525676
        f32::from_bits(0x3d98_2156), // [15, 8] 0.07428233
        f32::from_bits(0xbe8a_2181), // [15, 9] -0.26978686
        f32::from_bits(0xbe0b_fc90), // [15, 10] -0.13670564
        f32::from_bits(0x3e35_7dfd), // [15, 11] 0.17723842
        f32::from_bits(0x3ddf_5100), // [15, 12] 0.109041214
        f32::from_bits(0x3e02_4902), // [15, 13] 0.12723163
        f32::from_bits(0x3d5d_1b60), // [15, 14] 0.053981185
        f32::from_bits(0xbe11_566c), // [15, 15] -0.14193124
        // fc2.bias [16]
        f32::from_bits(0xbe48_2651), // [0] -0.19545867
        f32::from_bits(0x3e17_9013), // [1] 0.14801054
        f32::from_bits(0xbe15_22e4), // [2] -0.14564091
        f32::from_bits(0x3e64_4973), // [3] 0.22293644
        f32::from_bits(0x3ce8_1c4d), // [4] 0.028333807
        f32::from_bits(0x3e36_7abf), // [5] 0.17820261
        f32::from_bits(0xbe83_43cc), // [6] -0.25637662
        f32::from_bits(0x3e4d_a7ef), // [7] 0.20083593
        f32::from_bits(0x3e6a_3226), // [8] 0.22870693
        f32::from_bits(0x3ce8_a4ed), // [9] 0.028398955
        f32::from_bits(0x3d24_380e), // [10] 0.04009252
        f32::from_bits(0xbdbc_1fb3), // [11] -0.09185734
        f32::from_bits(0x3e18_9d9b), // [12] 0.14903872
        f32::from_bits(0x3ed8_f034), // [13] 0.4237076
        f32::from_bits(0x3d14_00ae), // [14] 0.03613346
        f32::from_bits(0xbe4b_5293), // [15] -0.19855718
        // out.weight [1, 16]
        f32::from_bits(0x3e41_b338), // [0, 0] 0.18916023
        f32::from_bits(0x3e06_dbe1), // [0, 1] 0.13169815
        f32::from_bits(0xbde6_16a8), // [0, 2] -0.1123479
        f32::from_bits(0xbef5_0d77), // [0, 3] -0.47861835
        f32::from_bits(0xbe30_214a), // [0, 4] -0.17200199
        f32::from_bits(0x3f46_5bd9), // [0, 5] 0.774839
        f32::from_bits(0xbe04_2ce2), // [0, 6] -0.12907746
        f32::from_bits(0x3e65_f76b), // [0, 7] 0.22457664
        f32::from_bits(0xbe2c_e724), // [0, 8] -0.16885048
        f32::from_bits(0xbe44_eca8), // [0, 9] -0.19230902
        f32::from_bits(0x3ea3_85c2), // [0, 10] 0.31937987
        f32::from_bits(0xbdd0_e435), // [0, 11] -0.10199777
        f32::from_bits(0x3e44_9822), // [0, 12] 0.19198659
        f32::from_bits(0xbe70_d6a4), // [0, 13] -0.23519379
        f32::from_bits(0x3e3d_74bf), // [0, 14] 0.18501566
        f32::from_bits(0xbdc8_2819), // [0, 15] -0.09773273
        // out.bias [1]
        f32::from_bits(0xbd8f_8ce1), // [0] -0.070092924
    ],
    [],
    [],
);
